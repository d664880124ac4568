import Foundation

/// This replica's view of the clustering lease, kept by `LeaseKeeper` and shown in status under `operator.replica`.
struct ReplicaState: Equatable, Sendable {
    /// One lease round's clocks.
    struct Round: Equatable, Sendable {
        /// The store's time at the round.
        var storeTime: Date
        /// This process's uptime clock then (seconds).
        var uptime: Double
    }

    /// This replica's id (`CLUSTERD_INSTANCE_ID`).
    var id: String
    /// The lease holder's id; empty before the first round.
    var leader = ""
    /// This replica holds the lease: only it starts clustering runs.
    var isLeader = false
    /// The lease's fencing token as last read (this replica's runs carry it while it leads).
    var fencingToken: Int64 = 0
    /// When the holder acquired the lease, by the store's clock.
    var leaseAcquiredAt: Date?
    /// The store's time at the last round, and this process's uptime clock then: the lease's age is judged from
    /// them.
    var lastRound: Round?
    /// While leading: the uptime (seconds) at which the lease ends unless renewed (a replica that cannot reach the
    /// store stops leading then).
    var leadsUntilUptime: Double = 0

    /// Seconds since the holder acquired the lease, at this process's uptime `uptime`; nil before a round.
    func leaseAge(atUptime uptime: Double) -> Double? {
        guard let acquired = leaseAcquiredAt, let round = lastRound else { return nil }
        return max(0, round.storeTime.timeIntervalSince(acquired) + (uptime - round.uptime))
    }
}
