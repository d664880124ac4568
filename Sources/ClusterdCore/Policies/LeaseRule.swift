import Foundation

/// One round of the leader lease for a replica (pure; the store carries the step out with a conditional write on
/// what it read, so two replicas racing for one step never both win it).
public enum LeaseRule {
    /// What a replica does with the lease it read.
    public enum Step: Sendable, Equatable {
        /// There is none: create it with token 1.
        case create
        /// It is ours and holds: extend it (same token).
        case renew(Lease)
        /// It ended (ours or another's), or is an earlier process's of ours: take it over with the next token.
        case takeOver(Lease)
        /// Another replica holds it: follow.
        case follow(Lease)
    }

    /// The step for replica `owner` in process `incarnation` given the lease as read (`current`) at the store's
    /// time `now`. A live lease of the same replica id but another process is an earlier process's (replica ids are
    /// unique per running process): it is taken over at once, so a restart does not wait for the expiry.
    public static func step(current: Lease?, owner: String, incarnation: String = "", now: Date) -> Step {
        guard let current else { return .create }
        guard current.holds(at: now) else { return .takeOver(current) }
        guard current.owner == owner else { return .follow(current) }
        return current.incarnation == incarnation ? .renew(current) : .takeOver(current)
    }
}
