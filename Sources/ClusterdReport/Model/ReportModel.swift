/// Everything the topic report shows, built server side from a run, its clusters, the recent runs and
/// representative messages: the input of ``ReportHTML``. It carries no centroids, only the 2-D map coordinates, so it
/// stays small enough to send to clusterctl in pages (JSON, see ``ReportModel/jsonData()``).
public struct ReportModel: Codable, Sendable, Equatable {
    /// The run the report shows.
    public var run: ReportRun
    /// The previous successful run's id (growth and the layout's alignment are against it); nil for the first run.
    public var previousRunID: String?
    /// The runs the size lines cover, oldest first, ending with this run.
    public var historyRunIDs: [String]
    /// False when representative messages were left out (`--no-text`, `?no_text=1`).
    public var includesText: Bool
    /// Every cluster of the run, all levels, largest first within a level.
    public var clusters: [ReportCluster]

    /// Creates a model.
    public init(
        run: ReportRun,
        previousRunID: String?,
        historyRunIDs: [String],
        includesText: Bool,
        clusters: [ReportCluster]
    ) {
        self.run = run
        self.previousRunID = previousRunID
        self.historyRunIDs = historyRunIDs
        self.includesText = includesText
        self.clusters = clusters
    }

    /// The base clusters (level 0): the map's bubbles.
    public var baseClusters: [ReportCluster] { clusters.filter { $0.level == 0 } }
}
