import Foundation

/// One clustering run, as stored in `clustering_runs`.
public struct ClusteringRun: Sendable, Equatable {
    /// The run's `_id` (an ObjectId).
    public var id: RecordID
    /// When it started.
    public var createdAt: Date
    /// When it ended, if it has.
    public var finishedAt: Date?
    /// Where it is in its lifecycle.
    public var status: RunStatus
    /// Why it ran ("5 unprocessed messages (threshold: 3)", "forced").
    public var triggerReason: String
    /// Conversations clustered.
    public var totalConversations: Int
    /// Analysed messages that went into it.
    public var totalMessages: Int
    /// Clusters written.
    public var clustersCreated: Int
    /// Wall time from start to end.
    public var durationMs: Int
    /// Failure or skip reason.
    public var error: String?
    /// Everything needed to reproduce it.
    public var inputs: RunInputs
    /// Quality numbers, once it has succeeded.
    public var metrics: RunMetrics?
    /// How its clusters relate to the previous successful run's (see `LineageEvent`).
    public var lineage: [LineageEvent]
    /// The replica that ran it (empty from servers before replicas).
    public var owner: String = ""
    /// The leader lease's fencing token it was started under: it is published only while the lease still holds
    /// this token (0 from servers before replicas).
    public var fencingToken: Int64 = 0

    /// Creates a run record.
    public init(
        id: RecordID,
        createdAt: Date,
        finishedAt: Date? = nil,
        status: RunStatus,
        triggerReason: String,
        totalConversations: Int = 0,
        totalMessages: Int = 0,
        clustersCreated: Int = 0,
        durationMs: Int = 0,
        error: String? = nil,
        inputs: RunInputs,
        metrics: RunMetrics? = nil,
        lineage: [LineageEvent] = []
    ) {
        self.id = id
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.status = status
        self.triggerReason = triggerReason
        self.totalConversations = totalConversations
        self.totalMessages = totalMessages
        self.clustersCreated = clustersCreated
        self.durationMs = durationMs
        self.error = error
        self.inputs = inputs
        self.metrics = metrics
        self.lineage = lineage
    }
}

/// The inputs of a run: seed, embedder, k rule, thresholds and the snapshot bound.
public struct RunInputs: Sendable, Equatable {
    /// k-means seed.
    public var seed: UInt64
    /// Embedder identifier.
    public var embedder: String
    /// The k rule as text ("fixed:8", "silhouette:2-12").
    public var kRule: String
    /// Message threshold in force.
    public var messageThreshold: Int
    /// Time threshold in force, minutes.
    public var timeThresholdMinutes: Int
    /// Analyses written at or before this instant are in the run; later ones are "unprocessed".
    public var snapshotAnalyzedBefore: Date
    /// Version of the local naming and concept rules.
    public var promptVersion: String

    /// Creates run inputs.
    public init(
        seed: UInt64,
        embedder: String,
        kRule: String,
        messageThreshold: Int,
        timeThresholdMinutes: Int,
        snapshotAnalyzedBefore: Date,
        promptVersion: String = "local-v1"
    ) {
        self.seed = seed
        self.embedder = embedder
        self.kRule = kRule
        self.messageThreshold = messageThreshold
        self.timeThresholdMinutes = timeThresholdMinutes
        self.snapshotAnalyzedBefore = snapshotAnalyzedBefore
        self.promptVersion = promptVersion
    }
}

/// Quality metrics of a finished run.
public struct RunMetrics: Sendable, Equatable {
    /// Mean cosine silhouette of the k-means partition on a sample, -1...1; nil when undefined (k < 2).
    public var silhouette: Double?
    /// Sum of squared distances to the assigned centroid.
    public var inertia: Double
    /// Cluster sizes, largest first ("Other" included).
    public var sizes: [Int]
    /// The k that was used.
    public var k: Int
    /// Share of the conversations both this and the previous run clustered whose stable id changed; nil without a
    /// previous run to compare with.
    public var churn: Double?
    /// Adjusted Rand index of this run's partition against the previous run's, on the same shared conversations;
    /// nil without a previous run (or with fewer than two shared conversations).
    public var adjustedRandIndex: Double?
    /// Conversations clustered by both this and the previous run (the base of churn and the Rand index).
    public var comparedConversations: Int
    /// Clusters per hierarchy level, base level first ("Other" buckets counted at the base); one entry when the
    /// base level is the top, empty from runs before the hierarchy.
    public var levelSizes: [Int]

    /// Creates run metrics.
    public init(
        silhouette: Double?,
        inertia: Double,
        sizes: [Int],
        k: Int,
        churn: Double? = nil,
        adjustedRandIndex: Double? = nil,
        comparedConversations: Int = 0,
        levelSizes: [Int] = []
    ) {
        self.silhouette = silhouette
        self.inertia = inertia
        self.sizes = sizes
        self.k = k
        self.churn = churn
        self.adjustedRandIndex = adjustedRandIndex
        self.comparedConversations = comparedConversations
        self.levelSizes = levelSizes
    }
}
