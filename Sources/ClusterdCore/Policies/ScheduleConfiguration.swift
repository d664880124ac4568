import Foundation

/// The seed's "smart scheduling" of automatic clustering runs. ForceClustering ignores all of it.
public struct ScheduleConfiguration: Sendable, Equatable {
    /// `CLUSTERING_QUIET_HOURS`: outside this window automatic runs wait for it (nil: any time).
    public var quietHours: QuietWindow?
    /// `CLUSTERING_URGENT_BACKLOG`: outside the quiet hours a run starts anyway once this many messages are
    /// unprocessed (nil: never; the first run, before any has succeeded, never waits).
    public var urgentBacklog: Int?
    /// `CLUSTERING_MAX_RUNS_PER_HOUR`: most automatic runs started in any 60 minutes (nil: no cap).
    public var maxAutomaticRunsPerHour: Int?
    /// The time zone the quiet hours are read in (the process's own by default, which follows `TZ`).
    public var timeZone: TimeZone

    /// Creates a configuration; the defaults schedule nothing.
    public init(
        quietHours: QuietWindow? = nil,
        urgentBacklog: Int? = nil,
        maxAutomaticRunsPerHour: Int? = nil,
        timeZone: TimeZone = .current
    ) {
        self.quietHours = quietHours
        self.urgentBacklog = urgentBacklog
        self.maxAutomaticRunsPerHour = maxAutomaticRunsPerHour.map { max(1, $0) }
        self.timeZone = timeZone
    }
}
