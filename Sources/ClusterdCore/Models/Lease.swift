import Foundation

/// The clustering leader's lease, as stored in `clusterd_leases` (`_id` = the lease's name).
public struct Lease: Sendable, Equatable {
    /// The holder's replica id (`CLUSTERD_INSTANCE_ID`).
    public var owner: String
    /// The holder's process: a restarted replica (same id, new process) takes its lease over at once.
    public var incarnation: String
    /// The fencing token: it grows on every acquisition, so a run started under an older one can never publish.
    public var token: Int64
    /// When the lease ends unless renewed, by the store's clock.
    public var expiresAt: Date
    /// When the holder acquired it, by the store's clock.
    public var acquiredAt: Date

    /// Creates a lease.
    public init(owner: String, incarnation: String = "", token: Int64, expiresAt: Date, acquiredAt: Date) {
        self.owner = owner
        self.incarnation = incarnation
        self.token = token
        self.expiresAt = expiresAt
        self.acquiredAt = acquiredAt
    }

    /// Whether it still holds at `now` (the store's clock).
    public func holds(at now: Date) -> Bool {
        now < expiresAt
    }
}
