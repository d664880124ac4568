import Foundation
import Testing

@testable import ClusterdCore

@Suite struct SchedulePolicyTests {
    /// 2025-01-10 12:00 UTC.
    let noon = Date(timeIntervalSince1970: 1_736_510_400)
    let trigger = TriggerConfiguration(enabled: true, messageThreshold: 3, timeThresholdMinutes: 30)

    func policy(quiet: String? = nil, cap: Int? = nil, urgent: Int? = nil, enabled: Bool = true) -> SchedulePolicy {
        var trigger = self.trigger
        trigger.enabled = enabled
        return SchedulePolicy(
            configuration: ScheduleConfiguration(
                quietHours: quiet.map { try! QuietWindow(parsing: $0) },
                urgentBacklog: urgent,
                maxAutomaticRunsPerHour: cap,
                timeZone: TimeZone(identifier: "UTC")!
            ),
            trigger: trigger
        )
    }

    func inputs(unprocessed: Int, lastRunMinutesAgo: Double? = 5) -> TriggerInputs {
        TriggerInputs(
            unprocessedMessages: unprocessed,
            newSinceLastAttempt: unprocessed,
            analyzedMessages: 100,
            lastRunAt: lastRunMinutesAgo.map { noon.addingTimeInterval(-$0 * 60) }
        )
    }

    func decide(
        _ policy: SchedulePolicy,
        _ inputs: TriggerInputs,
        hasSuccessfulRun: Bool = true,
        starts: [Date] = []
    ) -> ScheduleDecision {
        let decision = TriggerPolicy(configuration: policy.trigger).evaluate(inputs, now: noon)
        return policy.evaluate(
            decision,
            inputs: inputs,
            hasSuccessfulRun: hasSuccessfulRun,
            automaticRunStarts: starts,
            now: noon
        )
    }

    @Test func withoutASchedulADueRunRunsNow() {
        let decision = decide(policy(), inputs(unprocessed: 5))
        #expect(decision.runNow)
        #expect(decision.nextAutomaticRunAt == noon)
        #expect(decision.reason == "due now: 5 unprocessed messages (threshold: 3)")
    }

    @Test func outsideTheQuietHoursADueRunWaitsForTheWindow() {
        let decision = decide(policy(quiet: "01:00-05:00"), inputs(unprocessed: 5))
        #expect(!decision.runNow)
        #expect(decision.nextAutomaticRunAt == noon.addingTimeInterval(13 * 3600))  // 01:00 the next day
        #expect(decision.reason.contains("waiting for the quiet hours 01:00-05:00"))
    }

    @Test func insideTheQuietHoursADueRunRuns() {
        let decision = decide(policy(quiet: "11:00-13:00"), inputs(unprocessed: 5))
        #expect(decision.runNow)
    }

    @Test func theFirstRunDoesNotWaitForTheQuietHours() {
        let decision = decide(policy(quiet: "01:00-05:00"), inputs(unprocessed: 5), hasSuccessfulRun: false)
        #expect(decision.runNow)
    }

    @Test func anUrgentBacklogDoesNotWaitForTheQuietHours() {
        #expect(!decide(policy(quiet: "01:00-05:00", urgent: 50), inputs(unprocessed: 49)).runNow)
        #expect(decide(policy(quiet: "01:00-05:00", urgent: 50), inputs(unprocessed: 50)).runNow)
    }

    @Test func theHourlyCapHoldsUntilTheOldestRunAgesOut() {
        let starts = [50, 30, 10].map { noon.addingTimeInterval(-Double($0) * 60) }
        let capped = decide(policy(cap: 3), inputs(unprocessed: 5), starts: starts)
        #expect(!capped.runNow)
        #expect(capped.nextAutomaticRunAt == noon.addingTimeInterval(10 * 60))  // 50 minutes ago + 1 h
        #expect(capped.reason.contains("the hourly cap (3 automatic runs in the last 60 minutes, max 3)"))
        // Starts older than an hour do not count.
        let old = [70, 65, 10].map { noon.addingTimeInterval(-Double($0) * 60) }
        #expect(decide(policy(cap: 2), inputs(unprocessed: 5), starts: old).runNow)
        #expect(policy(cap: 2).countedStarts(old, now: noon).count == 1)
    }

    @Test func capAndQuietHoursCombine() {
        // Cap frees at 12:10; the window opens at 13:00 (and is open then) → 13:00.
        let starts = [noon.addingTimeInterval(-50 * 60)]
        let decision = decide(policy(quiet: "13:00-14:00", cap: 1), inputs(unprocessed: 5), starts: starts)
        #expect(decision.nextAutomaticRunAt == noon.addingTimeInterval(3600))
        #expect(decision.reason.contains("the hourly cap") && decision.reason.contains("the quiet hours"))
    }

    @Test func notDueYetGivesTheTimeRulesMoment() {
        // 1 unprocessed message, last run 5 minutes ago: due by time in 25 minutes.
        let decision = decide(policy(), inputs(unprocessed: 1))
        #expect(!decision.runNow)
        #expect(decision.nextAutomaticRunAt == noon.addingTimeInterval(25 * 60))
        #expect(decision.reason.contains("due 30 minutes after the last run"))
        // And then the quiet hours push it further.
        let quiet = decide(policy(quiet: "01:00-05:00"), inputs(unprocessed: 1))
        #expect(quiet.nextAutomaticRunAt == noon.addingTimeInterval(13 * 3600))
    }

    @Test func nothingUnprocessedWaitsForMessages() {
        let decision = decide(policy(), inputs(unprocessed: 0))
        #expect(!decision.runNow)
        #expect(decision.nextAutomaticRunAt == nil)
        #expect(decision.reason.hasPrefix("waiting for new messages"))
    }

    @Test func disabledNeverRunsAutomatically() {
        let decision = decide(policy(enabled: false), inputs(unprocessed: 50))
        #expect(!decision.runNow)
        #expect(decision.nextAutomaticRunAt == nil)
        #expect(decision.reason.contains("disabled"))
    }
}
