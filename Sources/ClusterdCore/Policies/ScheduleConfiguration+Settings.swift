extension ScheduleConfiguration {
    /// `CLUSTERING_QUIET_HOURS`.
    public static let quietHoursKey = SettingKey(
        "CLUSTERING_QUIET_HOURS",
        default: "",
        "A window such as `01:00-05:00` (server local time): automatic runs wait for it."
    )
    /// `CLUSTERING_MAX_RUNS_PER_HOUR`.
    public static let maxRunsPerHourKey = SettingKey(
        "CLUSTERING_MAX_RUNS_PER_HOUR",
        default: "",
        "Cap on automatic runs started in any 60 minutes (unset or 0: no cap)."
    )
    /// `CLUSTERING_URGENT_BACKLOG`.
    public static let urgentBacklogKey = SettingKey(
        "CLUSTERING_URGENT_BACKLOG",
        default: "",
        "Unprocessed messages that override the quiet hours (unset or 0: never)."
    )

    /// The scheduling keys.
    public static let settingKeys = [quietHoursKey, maxRunsPerHourKey, urgentBacklogKey]

    /// The schedule from `settings`; nothing is scheduled for the keys not set.
    public init(settings: SettingsReader) throws(SettingsError) {
        self.init()
        if let value = settings.text(Self.quietHoursKey) {
            do {
                quietHours = try QuietWindow(parsing: value)
            } catch {
                throw SettingsError("\(Self.quietHoursKey.name): \(error)")
            }
        }
        if let cap = try settings.number(Self.maxRunsPerHourKey, as: Int.self) {
            maxAutomaticRunsPerHour = cap == 0 ? nil : cap
        }
        if let backlog = try settings.number(Self.urgentBacklogKey, as: Int.self) {
            urgentBacklog = backlog == 0 ? nil : backlog
        }
    }
}
