/// What an erasure (a data-erasure request, or host messages that no longer exist) removed from clusterd's
/// collections.
public struct ErasureCounts: Sendable, Equatable {
    /// Analysis documents deleted.
    public var analyses: Int
    /// Cluster assignments deleted.
    public var assignments: Int
    /// Cluster updates: a conversation removed from a cluster's representatives, or orphaned top concepts removed
    /// from a cluster, count one each (a cluster may count twice).
    public var clusters: Int

    /// Creates counts (all zero by default).
    public init(analyses: Int = 0, assignments: Int = 0, clusters: Int = 0) {
        self.analyses = analyses
        self.assignments = assignments
        self.clusters = clusters
    }

    /// Both erasures' counts added up.
    public static func + (lhs: ErasureCounts, rhs: ErasureCounts) -> ErasureCounts {
        ErasureCounts(
            analyses: lhs.analyses + rhs.analyses,
            assignments: lhs.assignments + rhs.assignments,
            clusters: lhs.clusters + rhs.clusters
        )
    }
}
