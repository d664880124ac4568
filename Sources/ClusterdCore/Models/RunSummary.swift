import Foundation

/// The part of a run that status, the CLI and the wire show.
public struct RunSummary: Sendable, Equatable {
    /// Run id (ObjectId hex).
    public var id: String
    /// running, succeeded, failed, skipped or abandoned.
    public var status: String
    /// When it started.
    public var createdAt: Date
    /// When it ended, if it has.
    public var finishedAt: Date?
    /// Why it ran.
    public var triggerReason: String
    /// Conversations clustered.
    public var totalConversations: Int
    /// Messages included.
    public var totalMessages: Int
    /// Clusters written.
    public var clustersCreated: Int
    /// Duration in milliseconds.
    public var durationMs: Int
    /// Failure or skip reason, empty when none.
    public var error: String
    /// Quality metrics of a succeeded run (silhouette, sizes, churn, adjusted Rand index); nil otherwise.
    public var metrics: RunMetrics?
    /// How its clusters relate to the previous successful run's.
    public var lineage: [LineageEvent]

    /// Creates a summary.
    public init(
        id: String,
        status: String,
        createdAt: Date,
        finishedAt: Date?,
        triggerReason: String,
        totalConversations: Int,
        totalMessages: Int,
        clustersCreated: Int,
        durationMs: Int,
        error: String,
        metrics: RunMetrics? = nil,
        lineage: [LineageEvent] = []
    ) {
        self.id = id
        self.status = status
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.triggerReason = triggerReason
        self.totalConversations = totalConversations
        self.totalMessages = totalMessages
        self.clustersCreated = clustersCreated
        self.durationMs = durationMs
        self.error = error
        self.metrics = metrics
        self.lineage = lineage
    }

    /// The summary of a stored run.
    public init(_ run: ClusteringRun) {
        self.init(
            id: run.id.description,
            status: run.status.rawValue,
            createdAt: run.createdAt,
            finishedAt: run.finishedAt,
            triggerReason: run.triggerReason,
            totalConversations: run.totalConversations,
            totalMessages: run.totalMessages,
            clustersCreated: run.clustersCreated,
            durationMs: run.durationMs,
            error: run.error ?? "",
            metrics: run.metrics,
            lineage: run.lineage
        )
    }
}
