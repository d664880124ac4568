/// What a clustering run produced, ready to be stored.
public struct ClusteringOutcome: Sendable, Equatable {
    /// The clusters, largest first, "Other" (if any) last.
    public var clusters: [Cluster]
    /// One assignment per conversation, in conversation id order.
    public var assignments: [ClusterAssignment]
    /// Quality metrics.
    public var metrics: RunMetrics
    /// The k rule as text ("silhouette:2-12").
    public var kRule: String
    /// How the clusters relate to the previous run's.
    public var lineage: [LineageEvent]
    /// The k values the k rule tried, smallest first, with their scores (one for a fixed k).
    public var kCandidates: [KCandidateScore]

    /// Creates an outcome.
    public init(
        clusters: [Cluster],
        assignments: [ClusterAssignment],
        metrics: RunMetrics,
        kRule: String,
        lineage: [LineageEvent] = [],
        kCandidates: [KCandidateScore] = []
    ) {
        self.clusters = clusters
        self.assignments = assignments
        self.metrics = metrics
        self.kRule = kRule
        self.lineage = lineage
        self.kCandidates = kCandidates
    }
}
