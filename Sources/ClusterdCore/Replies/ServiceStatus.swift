import Foundation

/// Everything GetStatus reports: the seed's fields plus the operator's.
public struct ServiceStatus: Sendable, Equatable {
    /// `enabled`: background clustering switched on.
    public var enabled: Bool = true
    /// `clustering_in_progress`.
    public var clusteringInProgress: Bool = false
    /// `unprocessed_messages`: analysed but not in the latest successful run.
    public var unprocessedMessages: Int = 0
    /// `minutes_since_last_clustering`: nil when there has been no run.
    public var minutesSinceLastClustering: Int?
    /// `should_trigger_clustering`.
    public var shouldTriggerClustering: Bool = false
    /// `trigger_reason`.
    public var triggerReason: String = ""
    /// `configuration.message_threshold`.
    public var messageThreshold: Int = 3
    /// `configuration.time_threshold_minutes`.
    public var timeThresholdMinutes: Int = 30
    /// Analysis workers.
    public var analysisWorkers: Int = 1
    /// `latest_clustering_run`: the latest successful run.
    public var latestClusteringRun: RunSummary?
    /// The latest run of any status.
    public var lastRun: RunSummary?
    /// Messages waiting for analysis.
    public var queueDepth: Int = 0
    /// Most messages that may wait; beyond it triggers get RESOURCE_EXHAUSTED.
    public var queueCapacity: Int = 0
    /// Analyses running now.
    public var inFlightAnalyses: Int = 0
    /// Analyses completed (since start-up, plus those found in the store at start-up).
    public var analyzedTotal: Int = 0
    /// Analyses given up.
    public var failedTotal: Int = 0
    /// The most recent error, empty when none.
    public var lastError: String = ""
    /// Stage of the running clustering, empty when idle.
    public var clusteringStage: String = ""
    /// 0...1 within the running clustering.
    public var clusteringProgress: Double = 0
    /// A forced run is waiting behind the current one.
    public var followUpQueued: Bool = false
    /// Degraded parts ("store", "embedder:fallback", "llm").
    public var degraded: [String] = []
    /// Seconds since start-up.
    public var uptimeSeconds: Double = 0
    /// Server version.
    public var version: String = ""
    /// Embedder identifier.
    public var embedder: String = ""
    /// Where the embedder's model was loaded from, or "fallback: <why>".
    public var embedderDetail: String = ""
    /// Triggers received.
    public var triggersTotal: Int = 0
    /// Triggers refused with RESOURCE_EXHAUSTED.
    public var triggersRefused: Int = 0
    /// Messages found and queued by the catch-up sweep.
    public var sweptTotal: Int = 0
    /// Analyses by another embedder than the current one: left out of runs, analysed again by the sweep.
    public var staleAnalyses: Int = 0
    /// The change stream on the messages collection: "following", "starting", "unsupported", "off" or
    /// "error: <why>".
    public var changeStream: String = ""
    /// The Claude integration: state, calls, failures, tokens.
    public var llm = LLMStatusReport()
    /// The clustering k rule in force ("silhouette:2-12", "fixed:8").
    public var kRule: String = ""
    /// Clusters smaller than this go to the unnamed "other" bucket.
    public var minClusterSize: Int = 1
    /// The earliest time the next automatic run may start; nil when that depends on new messages (or automatic
    /// runs are disabled).
    public var nextAutomaticRunAt: Date?
    /// What the next automatic run waits for.
    public var schedulingReason: String = ""
    /// The quiet hours (`01:00-05:00`), empty when none.
    public var quietHours: String = ""
    /// Most automatic runs per hour, 0 when uncapped.
    public var maxAutomaticRunsPerHour: Int = 0
    /// Automatic runs started in the last 60 minutes.
    public var automaticRunsLastHour: Int = 0
    /// This replica and the clustering lease: id, leader, fencing token, lease age, live claims.
    public var replica = ReplicaStatus()

    /// Creates an empty status.
    public init() {}
}
