import ClusterdCore
import Foundation

/// The store operations the lease's thread makes (`LeaseKeeper`): on a connection of its own
/// (`ServiceStore.openLeaseStore`), so lanes holding every pooled connection of a saturated store cannot delay a
/// renewal past the lease's end.
public protocol LeaseStore: Sendable {
    /// The store's clock.
    func serverTime() throws -> Date
    /// One round of the lease protocol (see `MongoStore.leaseRound`); the lease as it stands after it.
    func leaseRound(named name: String, owner: String, incarnation: String, ttl: Double, now: Date) throws -> Lease?
    /// Ends `owner`'s lease if it still holds `token`.
    func releaseLease(named name: String, owner: String, token: Int64, now: Date) throws
    /// Takes a pending forced-run request if `owner` holds the lease with `token`; who asked, or nil.
    func takeForcedRunRequest(named name: String, owner: String, token: Int64) throws -> String?
    /// Marks `running` runs started under a fencing token below `token` as abandoned; returns how many.
    func abandonRunningRuns(before token: Int64, reason: String, now: Date) throws -> Int
    /// Releases the connection; called when the lease's thread is done.
    func close()
}
