import Foundation

/// The seed's "smart scheduling", as a pure function: given the trigger rules' verdict, decides whether an automatic
/// run may start now and, if not, when the next one may.
///
/// - Quiet hours: outside the window an automatic run waits for it to open, unless no run has succeeded yet (there
///   are no clusters to serve) or the unprocessed backlog has reached `urgentBacklog`.
/// - Hourly cap: at most `maxAutomaticRunsPerHour` automatic runs start in any 60 minutes.
/// - ForceClustering is not an automatic run: it ignores both and is not counted.
public struct SchedulePolicy: Sendable {
    /// Quiet hours, urgent backlog and the hourly cap.
    public var configuration: ScheduleConfiguration
    /// The trigger rules' settings (the time threshold says when a run becomes due without new messages).
    public var trigger: TriggerConfiguration
    private let calendar: Calendar

    /// Creates a policy.
    public init(configuration: ScheduleConfiguration, trigger: TriggerConfiguration) {
        self.configuration = configuration
        self.trigger = trigger
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = configuration.timeZone
        self.calendar = calendar
    }

    /// The decision at `now`.
    /// - Parameters:
    ///   - decision: the trigger rules' verdict at `now`.
    ///   - inputs: what the trigger rules looked at.
    ///   - hasSuccessfulRun: a run has succeeded before (otherwise the quiet hours do not hold the first one back).
    ///   - automaticRunStarts: start times of recent automatic runs (older than an hour are ignored).
    public func evaluate(
        _ decision: TriggerDecision,
        inputs: TriggerInputs,
        hasSuccessfulRun: Bool,
        automaticRunStarts: [Date],
        now: Date
    ) -> ScheduleDecision {
        guard trigger.enabled else {
            return ScheduleDecision(
                runNow: false,
                nextAutomaticRunAt: nil,
                reason: "background clustering is disabled; only ForceClustering starts a run"
            )
        }
        let urgent = configuration.urgentBacklog.map { inputs.unprocessedMessages >= $0 } ?? false
        let ignoresQuietHours = !hasSuccessfulRun || urgent
        if decision.shouldTrigger {
            let (earliest, waits) = earliestAllowed(from: now, starts: automaticRunStarts, ignoresQuietHours)
            if earliest <= now {
                return ScheduleDecision(runNow: true, nextAutomaticRunAt: now, reason: "due now: \(decision.reason)")
            }
            return ScheduleDecision(
                runNow: false,
                nextAutomaticRunAt: earliest,
                reason: "due (\(decision.reason)), waiting for \(waits.joined(separator: " and "))"
            )
        }
        // Not due: only the time rule makes a run due without new messages.
        guard inputs.unprocessedMessages >= 1, let lastRun = inputs.lastRunAt else {
            return ScheduleDecision(
                runNow: false,
                nextAutomaticRunAt: nil,
                reason: "waiting for new messages: \(decision.reason)"
            )
        }
        let dueAt = max(now, lastRun.addingTimeInterval(Double(trigger.timeThresholdMinutes) * 60))
        let (earliest, waits) = earliestAllowed(from: dueAt, starts: automaticRunStarts, ignoresQuietHours)
        var reason =
            "\(inputs.unprocessedMessages) unprocessed message(s): due \(trigger.timeThresholdMinutes) minutes after "
            + "the last run, or sooner at \(trigger.messageThreshold) unprocessed"
        if !waits.isEmpty { reason += ", then waiting for \(waits.joined(separator: " and "))" }
        return ScheduleDecision(runNow: false, nextAutomaticRunAt: earliest, reason: reason)
    }

    /// The first time at or after `date` that the schedule allows an automatic run, and what it waits for.
    func earliestAllowed(from date: Date, starts: [Date], _ ignoresQuietHours: Bool) -> (Date, [String]) {
        var at = date
        var waits: [String] = []
        if let cap = configuration.maxAutomaticRunsPerHour {
            let recent = starts.filter { $0 > date.addingTimeInterval(-3600) && $0 <= date }.sorted()
            if recent.count >= cap {
                // The run that must age out of the window for a slot to free up.
                at = recent[recent.count - cap].addingTimeInterval(3600)
                waits.append("the hourly cap (\(recent.count) automatic runs in the last 60 minutes, max \(cap))")
            }
        }
        if let window = configuration.quietHours, !ignoresQuietHours, !window.contains(at, calendar: calendar) {
            at = window.nextOpening(atOrAfter: at, calendar: calendar)
            waits.append("the quiet hours \(window)")
        }
        return (at, waits)
    }

    /// The automatic run starts that still count against the cap at `now`.
    public func countedStarts(_ starts: [Date], now: Date) -> [Date] {
        starts.filter { $0 > now.addingTimeInterval(-3600) }
    }
}
