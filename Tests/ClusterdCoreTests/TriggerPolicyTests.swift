import Foundation
import Testing

@testable import ClusterdCore

@Suite struct TriggerPolicyTests {
    let start = Date(timeIntervalSince1970: 1_736_544_600)

    private func inputs(
        unprocessed: Int,
        new: Int? = nil,
        analyzed: Int? = nil,
        lastRunMinutesAgo: Double? = nil
    ) -> TriggerInputs {
        TriggerInputs(
            unprocessedMessages: unprocessed,
            newSinceLastAttempt: new ?? unprocessed,
            analyzedMessages: analyzed ?? unprocessed,
            lastRunAt: lastRunMinutesAgo.map { start.addingTimeInterval(-$0 * 60) }
        )
    }

    @Test func firstRunNeedsTwoMessages() {
        let policy = TriggerPolicy(configuration: TriggerConfiguration())
        #expect(!policy.evaluate(inputs(unprocessed: 1), now: start).shouldTrigger)
        let decision = policy.evaluate(inputs(unprocessed: 2), now: start)
        #expect(decision.shouldTrigger && decision.runAutomatically)
        #expect(decision.reason.contains("First run"))
        #expect(decision.minutesSinceLastRun == nil)
    }

    @Test func messageThresholdFromConfiguration() {
        let policy = TriggerPolicy(configuration: TriggerConfiguration(messageThreshold: 5))
        #expect(!policy.evaluate(inputs(unprocessed: 4, lastRunMinutesAgo: 1), now: start).shouldTrigger)
        let decision = policy.evaluate(inputs(unprocessed: 5, lastRunMinutesAgo: 1), now: start)
        #expect(decision.shouldTrigger)
        #expect(decision.reason == "5 unprocessed messages (threshold: 5)")
    }

    @Test func messageRuleDoesNotLoopWithoutNewData() {
        // A skipped run left 5 unprocessed messages and nothing new arrived since: no immediate retry.
        let policy = TriggerPolicy(configuration: TriggerConfiguration())
        let decision = policy.evaluate(inputs(unprocessed: 5, new: 0, lastRunMinutesAgo: 1), now: start)
        #expect(!decision.shouldTrigger)
    }

    @Test func timeRuleFiresWithoutNewTraffic() {
        let policy = TriggerPolicy(configuration: TriggerConfiguration(messageThreshold: 3, timeThresholdMinutes: 30))
        let before = policy.evaluate(inputs(unprocessed: 1, new: 0, lastRunMinutesAgo: 29.5), now: start)
        #expect(!before.shouldTrigger)
        // The same inputs, later: only the clock moved.
        let later = policy.evaluate(
            inputs(unprocessed: 1, new: 0, lastRunMinutesAgo: 29.5),
            now: start.addingTimeInterval(60)
        )
        #expect(later.shouldTrigger)
        #expect(later.reason == "30 minutes since last clustering (threshold: 30)")
        #expect(later.minutesSinceLastRun == 30)
    }

    @Test func timeRuleNeedsAnUnprocessedMessage() {
        let policy = TriggerPolicy(configuration: TriggerConfiguration())
        #expect(!policy.evaluate(inputs(unprocessed: 0, lastRunMinutesAgo: 300), now: start).shouldTrigger)
    }

    @Test func disabledModeReportsButDoesNotRunAutomatically() {
        let policy = TriggerPolicy(configuration: TriggerConfiguration(enabled: false))
        let decision = policy.evaluate(inputs(unprocessed: 10, lastRunMinutesAgo: 1), now: start)
        #expect(decision.shouldTrigger)
        #expect(!decision.runAutomatically)
        #expect(decision.reason.contains("disabled"))
    }
}
