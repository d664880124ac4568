extension TriggerConfiguration {
    /// `BACKGROUND_CLUSTERING_ENABLED`.
    public static let enabledKey = SettingKey(
        "BACKGROUND_CLUSTERING_ENABLED",
        default: "true",
        "Analyse triggered messages and run clustering automatically (off: triggers are only counted; ForceClustering still works)."
    )
    /// `CLUSTERING_MESSAGE_THRESHOLD`.
    public static let messageThresholdKey = SettingKey(
        "CLUSTERING_MESSAGE_THRESHOLD",
        default: "3",
        "A run starts once this many analysed messages are unprocessed."
    )
    /// `CLUSTERING_TIME_THRESHOLD_MINUTES`.
    public static let timeThresholdKey = SettingKey(
        "CLUSTERING_TIME_THRESHOLD_MINUTES",
        default: "30",
        "A run starts this many minutes after the last one when at least one message is unprocessed."
    )

    /// The seed's three trigger keys.
    public static let settingKeys = [enabledKey, messageThresholdKey, timeThresholdKey]

    /// The trigger settings from `settings`, defaults for the keys not set.
    public init(settings: SettingsReader) throws(SettingsError) {
        self.init()
        if let enabled = try settings.bool(Self.enabledKey) { self.enabled = enabled }
        if let count = try settings.number(Self.messageThresholdKey, as: Int.self) { messageThreshold = count }
        if let minutes = try settings.number(Self.timeThresholdKey, as: Int.self) { timeThresholdMinutes = minutes }
    }
}
