/// What status shows of this replica and the clustering lease (`operator.replica`): who it is, who leads, the
/// fencing token and the lease's age, and the analysis claims it holds now.
public struct ReplicaStatus: Sendable, Equatable {
    /// This replica's id (`CLUSTERD_INSTANCE_ID`).
    public var id: String = ""
    /// The lease holder's id; empty before the first lease round.
    public var leader: String = ""
    /// This replica holds the clustering lease: only it starts clustering runs.
    public var isLeader: Bool = false
    /// The lease's fencing token as last read (it grows on every acquisition).
    public var fencingToken: Int64 = 0
    /// Seconds since the holder acquired the lease; nil before the first lease round.
    public var leaseAgeSeconds: Double?
    /// Messages this replica has claimed for analysis and not yet finished (counted in memory).
    public var liveClaims: Int = 0

    /// Creates the status of a replica that has not seen the lease yet.
    public init() {}
}
