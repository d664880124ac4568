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
        "How often the catch-up sweep scans all messages, not only those above its watermark."
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

    /// `CLUSTERD_CHANGE_STREAM`.
    public static let changeStreamKey = SettingKey(
        "CLUSTERD_CHANGE_STREAM",
        default: "auto",
        "auto: follow inserts and deletes on the messages collection with a change stream when the server has them (any replica set), resuming from a saved position; off: triggers and sweeps only."
    )

    /// The service's own keys (the trigger, schedule, clustering and Claude keys belong to their configurations).
    public static let ownSettingKeys = [
        analysisWorkersKey, queueCapacityKey, tickKey, fullSweepKey, maxAttemptsKey, forcedRunWaitKey,
        changeStreamKey,
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
        if let mode = settings.text(Self.changeStreamKey) {
            guard let parsed = ChangeStreamMode(rawValue: mode.lowercased()) else {
                throw SettingsError("\(Self.changeStreamKey.name) must be auto or off, not \(mode)")
            }
            changeStream = parsed
        }
        clustering = try ClusteringConfiguration(settings: settings)
        schedule = try ScheduleConfiguration(settings: settings)
        anthropic = try AnthropicConfiguration.fromSettings(settings)
    }
}
