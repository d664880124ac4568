import ClusterdCore

/// What the report model is built from: the run, its clusters, the previous runs' clusters and a few messages per
/// cluster, as the service reads them from MongoDB.
public struct ReportInput: Sendable {
    /// The run to show.
    public var run: ClusteringRun
    /// Its clusters (all levels, with centroids).
    public var clusters: [Cluster]
    /// Earlier successful runs' clusters, newest first (the first is the previous run: growth and alignment).
    public var earlierRuns: [(run: ClusteringRun, clusters: [Cluster])]
    /// Representative message texts by conversation id text (absent when text is left out).
    public var messagesByConversation: [String: [String]]
    /// The language model configured for naming, empty when none.
    public var llmModel: String
    /// False to leave message text out.
    public var includesText: Bool
    /// This run's map layout as saved by an earlier report (used as it is), or nil.
    public var savedLayout: [String: MapPoint]?
    /// An earlier run's saved layout to align this run's to (else the previous run's MDS layout), or nil.
    public var referenceLayout: [String: MapPoint]?

    /// Creates an input.
    public init(
        run: ClusteringRun,
        clusters: [Cluster],
        earlierRuns: [(run: ClusteringRun, clusters: [Cluster])],
        messagesByConversation: [String: [String]],
        llmModel: String,
        includesText: Bool,
        savedLayout: [String: MapPoint]? = nil,
        referenceLayout: [String: MapPoint]? = nil
    ) {
        self.run = run
        self.clusters = clusters
        self.earlierRuns = earlierRuns
        self.messagesByConversation = messagesByConversation
        self.llmModel = llmModel
        self.includesText = includesText
        self.savedLayout = savedLayout
        self.referenceLayout = referenceLayout
    }
}
