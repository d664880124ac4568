import ClusterdCore
import ClusterdLLM
import Foundation

/// Settings of the background service.
public struct ServiceConfiguration: Sendable {
    /// The seed's three trigger settings.
    public var trigger: TriggerConfiguration
    /// Concurrent analyses (the analysis OperationQueue's width).
    public var analysisWorkers: Int
    /// Most messages that may wait for analysis; beyond it triggers are refused (the sweep catches them later).
    public var queueCapacity: Int
    /// Attempts before a message is given up (counted before the work, so a crashing message stops too).
    public var maxAttempts: Int
    /// Delays before re-reading a triggered id that is not (yet) in MongoDB; one retry per entry.
    public var notFoundRetryDelays: [Double]
    /// How often the trigger rules are checked and the catch-up sweep runs, seconds.
    public var tickSeconds: Double
    /// Most messages one sweep queues.
    public var sweepBatchSize: Int
    /// Seconds between full catch-up sweeps (from the first message); the sweeps between them scan only messages
    /// above the last id a sweep accounted for. A full sweep also follows start-up, a trigger refused because the
    /// queue was full, an analysis that MongoDB's unavailability or a non-final failure ended, and MongoDB becoming
    /// reachable again.
    public var fullSweepSeconds: Double = 600
    /// k-means and naming settings.
    public var clustering: ClusteringConfiguration
    /// Concepts kept per message.
    public var conceptsPerMessage: Int
    /// Reported in status.
    public var version: String
    /// Longest an automatic run waits for a pending analysis backlog to drain, seconds.
    public var backlogDeferSeconds: Double
    /// Seconds a shutdown waits for in-flight analyses and a running clustering.
    public var shutdownGraceSeconds: Double
    /// Concepts and cluster names by Claude; nil for local ones only (status "not configured").
    public var anthropic: AnthropicConfiguration?
    /// Where the embedder's model came from, or "fallback: <why>"; reported in status as `embedder_detail`.
    public var embedderDetail: String = ""
    /// Most messages one analysis operation embeds together when several are waiting.
    public var embeddingBatchSize: Int = 32
    /// Longest a forced run waits for the analyses queued or in flight when it starts, seconds.
    public var forcedRunWaitSeconds: Double = 300
    /// This process's name on its analysis claims and the clustering lease (a restarted process takes its own claims
    /// and lease over at once); unique per running replica.
    public var instanceID: String = ProcessInfo.processInfo.hostName
    /// How long a claim on a message being analysed holds off other processes, seconds.
    public var claimLeaseSeconds: Double = 120
    /// Most waiting messages one analysis operation takes (one read, one claim and one save each; embedded in
    /// chunks of `embeddingBatchSize`).
    public var ingestBatchSize: Int = 256
    /// Successful runs whose clusters and assignments are kept (the newest; at least 1).
    public var keepRuns: Int = 20
    /// Quiet hours and the hourly cap of automatic runs (none by default).
    public var schedule = ScheduleConfiguration()
    /// Whether inserts and deletes on the messages collection are followed with a change stream.
    public var changeStream = ChangeStreamMode.auto
    /// How long the clustering leader's lease holds without renewal, seconds (by the store's clock).
    public var leaseSeconds: Double = 15
    /// How often the lease is renewed (and followers look for a new leader), seconds.
    public var leaseRenewSeconds: Double = 5
    /// Memory a clustering run may spend on conversation vectors and k-means' working copies, MiB: above what fits,
    /// k-means is fitted on a hash sample of the conversations and the rest are assigned in streaming passes.
    public var clusteringMemoryMB: Int = 1024

    /// Creates a configuration with defaults for everything.
    public init(
        trigger: TriggerConfiguration = TriggerConfiguration(),
        analysisWorkers: Int = ProcessInfo.processInfo.activeProcessorCount,
        queueCapacity: Int = 10_000,
        maxAttempts: Int = 3,
        notFoundRetryDelays: [Double] = [0.5, 2, 5],
        tickSeconds: Double = 15,
        sweepBatchSize: Int = 1_000,
        clustering: ClusteringConfiguration = ClusteringConfiguration(),
        conceptsPerMessage: Int = 8,
        version: String = ClusterdVersion.current,
        backlogDeferSeconds: Double = 30,
        shutdownGraceSeconds: Double = 5,
        anthropic: AnthropicConfiguration? = nil
    ) {
        self.trigger = trigger
        self.analysisWorkers = max(1, analysisWorkers)
        self.queueCapacity = max(1, queueCapacity)
        self.maxAttempts = max(1, maxAttempts)
        self.notFoundRetryDelays = notFoundRetryDelays
        self.tickSeconds = tickSeconds
        self.sweepBatchSize = sweepBatchSize
        self.clustering = clustering
        self.conceptsPerMessage = conceptsPerMessage
        self.version = version
        self.backlogDeferSeconds = backlogDeferSeconds
        self.shutdownGraceSeconds = shutdownGraceSeconds
        self.anthropic = anthropic
    }
}
