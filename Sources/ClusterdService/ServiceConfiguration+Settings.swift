import ClusterdCore
import ClusterdLLM

extension ServiceConfiguration {
    /// `CLUSTERD_ANALYSIS_WORKERS`.
    public static let analysisWorkersKey = SettingKey(
        "CLUSTERD_ANALYSIS_WORKERS",
        default: "cores",
        "Concurrent analyses (each embeds its own micro-batch); also bounds the Claude concept calls running at once."
    )
    /// `CLUSTERD_QUEUE_CAPACITY`.
    public static let queueCapacityKey = SettingKey(
        "CLUSTERD_QUEUE_CAPACITY",
        default: "10000",
        "Most messages waiting for analysis; beyond it triggers get RESOURCE_EXHAUSTED and the sweep finds them later."
    )
    /// `CLUSTERD_TICK_SECONDS`.
    public static let tickKey = SettingKey(
        "CLUSTERD_TICK_SECONDS",
        default: "15",
        "How often the trigger rules are checked and the catch-up sweep looks for new unanalysed messages."
    )
    /// `CLUSTERD_FULL_SWEEP_SECONDS`.
    public static let fullSweepKey = SettingKey(
        "CLUSTERD_FULL_SWEEP_SECONDS",
        default: "600",
        "How often the catch-up sweep starts a full pass over all messages (paced: at most ten sweep batches examined per step), not only those after its saved position."
    )
    /// `CLUSTERD_MAX_ATTEMPTS`.
    public static let maxAttemptsKey = SettingKey(
        "CLUSTERD_MAX_ATTEMPTS",
        default: "3",
        "Analysis attempts before a message is given up (counted before the work)."
    )

    /// `CLUSTERD_FORCE_WAIT_SECONDS`.
    public static let forcedRunWaitKey = SettingKey(
        "CLUSTERD_FORCE_WAIT_SECONDS",
        default: "300",
        "Longest a forced run waits for the analyses queued or in flight when it starts, so it sees every message triggered before it."
    )

    /// `CLUSTERD_INSTANCE_ID`.
    public static let instanceIDKey = SettingKey(
        "CLUSTERD_INSTANCE_ID",
        default: "host name",
        "This replica's name on its analysis claims and the clustering lease; a restarted process takes over its own claims and lease at once, others' only when they expire. Give each replica its own."
    )
    /// `CLUSTERD_CLAIM_SECONDS`.
    public static let claimKey = SettingKey(
        "CLUSTERD_CLAIM_SECONDS",
        default: "120",
        "How long a claim on a message being analysed holds off other processes; after it (its owner died) another may take the message."
    )
    /// `CLUSTERD_INGEST_BATCH`.
    public static let ingestBatchKey = SettingKey(
        "CLUSTERD_INGEST_BATCH",
        default: "256",
        "Most waiting messages one analysis operation takes: read, claimed and saved in one round trip each, embedded in chunks of 32."
    )
    /// `CLUSTERD_KEEP_RUNS`.
    public static let keepRunsKey = SettingKey(
        "CLUSTERD_KEEP_RUNS",
        default: "20",
        "Successful runs whose clusters and assignments are kept (at least 1); older ones, and those of failed or abandoned runs, are deleted after each run and at start-up."
    )
    /// `CLUSTERD_CHANGE_STREAM`.
    public static let changeStreamKey = SettingKey(
        "CLUSTERD_CHANGE_STREAM",
        default: "auto",
        "auto: follow inserts and deletes on the messages collection with a change stream when the server has them (any replica set), resuming from a saved position; off: triggers and sweeps only."
    )
    /// `CLUSTERD_CLUSTERING_MEMORY_MB`.
    public static let clusteringMemoryKey = SettingKey(
        "CLUSTERD_CLUSTERING_MEMORY_MB",
        default: "1024",
        "Memory (MiB, at least 64) a clustering run may spend on conversation vectors and k-means: embeddings stream from MongoDB in batches; when the conversations do not all fit, k-means is fitted on a hash sample that does and every conversation is then assigned in streaming passes. Assignments and ids of every conversation come on top."
    )

    /// `CLUSTERD_LEASE_SECONDS`.
    public static let leaseKey = SettingKey(
        "CLUSTERD_LEASE_SECONDS",
        default: "15",
        "How long the clustering leader's lease holds without renewal (by the store's clock); a replica that stops renewing loses leadership after it."
    )
    /// `CLUSTERD_LEASE_RENEW_SECONDS`.
    public static let leaseRenewKey = SettingKey(
        "CLUSTERD_LEASE_RENEW_SECONDS",
        default: "5",
        "How often the leader renews its lease and followers look for an ended one; below a third of the lease."
    )

    /// The service's own keys (the trigger, schedule, clustering and Claude keys belong to their configurations).
    public static let ownSettingKeys = [
        analysisWorkersKey, queueCapacityKey, tickKey, fullSweepKey, maxAttemptsKey, forcedRunWaitKey, instanceIDKey,
        claimKey, ingestBatchKey, keepRunsKey, changeStreamKey, leaseKey, leaseRenewKey, clusteringMemoryKey,
    ]

    /// Every key the service reads, in the order they are documented.
    public static let settingKeys =
        TriggerConfiguration.settingKeys + ownSettingKeys + ClusteringConfiguration.settingKeys
        + ScheduleConfiguration.settingKeys + AnthropicConfiguration.settingKeys

    /// The service's settings from `settings`, defaults for the keys not set.
    public init(settings: SettingsReader) throws(SettingsError) {
        self.init()
        trigger = try TriggerConfiguration(settings: settings)
        if let workers = try settings.number(Self.analysisWorkersKey, as: Int.self) {
            analysisWorkers = max(1, workers)
        }
        if let capacity = try settings.number(Self.queueCapacityKey, as: Int.self) { queueCapacity = max(1, capacity) }
        if let seconds = try settings.seconds(Self.tickKey) { tickSeconds = seconds }
        if let seconds = try settings.seconds(Self.fullSweepKey) { fullSweepSeconds = seconds }
        if let attempts = try settings.number(Self.maxAttemptsKey, as: Int.self) { maxAttempts = max(1, attempts) }
        if let seconds = try settings.seconds(Self.forcedRunWaitKey) { forcedRunWaitSeconds = seconds }
        if let name = settings.text(Self.instanceIDKey) { instanceID = name }
        if let seconds = try settings.seconds(Self.claimKey) { claimLeaseSeconds = seconds }
        if let seconds = try settings.seconds(Self.leaseKey) { leaseSeconds = seconds }
        if let seconds = try settings.seconds(Self.leaseRenewKey) { leaseRenewSeconds = seconds }
        guard leaseRenewSeconds * 3 <= leaseSeconds else {
            throw SettingsError(
                "\(Self.leaseRenewKey.name) (\(leaseRenewSeconds)) must be at most a third of \(Self.leaseKey.name) (\(leaseSeconds))"
            )
        }
        if let size = try settings.number(Self.ingestBatchKey, as: Int.self) { ingestBatchSize = max(1, size) }
        if let keep = try settings.number(Self.keepRunsKey, as: Int.self) {
            guard keep >= 1 else { throw SettingsError("\(Self.keepRunsKey.name) must be at least 1, not 0") }
            keepRuns = keep
        }
        if let mode = settings.text(Self.changeStreamKey) {
            guard let parsed = ChangeStreamMode(rawValue: mode.lowercased()) else {
                throw SettingsError("\(Self.changeStreamKey.name) must be auto or off, not \(mode)")
            }
            changeStream = parsed
        }
        if let megabytes = try settings.number(Self.clusteringMemoryKey, as: Int.self) {
            guard megabytes >= 64 else {
                throw SettingsError("\(Self.clusteringMemoryKey.name) must be at least 64, not \(megabytes)")
            }
            clusteringMemoryMB = megabytes
        }
        clustering = try ClusteringConfiguration(settings: settings)
        schedule = try ScheduleConfiguration(settings: settings)
        anthropic = try AnthropicConfiguration.fromSettings(settings)
    }
}
