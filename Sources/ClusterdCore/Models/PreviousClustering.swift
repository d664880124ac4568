/// What the engine needs of the previous successful run to keep stable ids: its clusters (centroids, names), each
/// conversation's stable id in it, and the k its k-means used.
public struct PreviousClustering: Sendable, Equatable {
    /// The previous run's clusters, its "Other" bucket included (it is never matched).
    public var clusters: [Cluster]
    /// The previous run's stable id of each conversation it clustered.
    public var assignments: [RecordID: String]
    /// The number of k-means clusters of the previous run (`RunMetrics.k`); nil when unknown.
    public var k: Int?

    /// Creates the previous-run input.
    public init(clusters: [Cluster] = [], assignments: [RecordID: String] = [:], k: Int? = nil) {
        self.clusters = clusters
        self.assignments = assignments
        self.k = k
    }

    /// Creates the previous-run input from stored assignments (a conversation listed twice keeps its last one).
    public init(clusters: [Cluster], assignments: [ClusterAssignment], k: Int?) {
        var memberships: [RecordID: String] = [:]
        for assignment in assignments { memberships[assignment.conversationID] = assignment.stableID }
        self.init(clusters: clusters, assignments: memberships, k: k)
    }

    /// No previous run.
    public static let none = PreviousClustering()
}
