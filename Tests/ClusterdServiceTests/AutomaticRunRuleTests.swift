import ClusterdCore
import Foundation
import Testing

@testable import ClusterdService

/// The automatic-run decision (trigger rules, schedule, backlog deferral), driven with a manual clock.
struct AutomaticRunRuleTests {
    func rule(
        backlogDeferSeconds: Double = 30,
        schedule: ScheduleConfiguration = ScheduleConfiguration()
    ) -> AutomaticRunRule {
        let trigger = TriggerConfiguration(enabled: true, messageThreshold: 3, timeThresholdMinutes: 30)
        return AutomaticRunRule(
            policy: TriggerPolicy(configuration: trigger),
            schedulePolicy: SchedulePolicy(configuration: schedule, trigger: trigger),
            backlogDeferSeconds: backlogDeferSeconds
        )
    }

    /// Loaded, with three analysed messages and no run yet: the first run is due.
    func dueState() -> ServiceState {
        var state = ServiceState()
        state.loaded = true
        state.analyzedTotal = 3
        state.unprocessed = 3
        state.newSinceLastAttempt = 3
        return state
    }

    @Test func aDueRunIsQueuedOnceAndCountedAsAnAutomaticStart() {
        let clock = ManualClock()
        var state = dueState()
        let action = rule().check(&state, now: clock.now)
        #expect(action == .schedule(reason: "First run: 3 messages and no clustering runs yet"))
        #expect(state.clustering == .queued)
        #expect(state.automaticRunStarts == [clock.now])
        let check1 = rule().check(&state, now: clock.now)
        #expect(check1 == .none, "the lane is busy")
    }

    @Test func nothingBeforeTheStateIsLoadedOrWhileStopping() {
        let clock = ManualClock()
        var state = dueState()
        state.loaded = false
        let check2 = rule().check(&state, now: clock.now)
        #expect(check2 == .none)
        state.loaded = true
        state.stopping = true
        let check3 = rule().check(&state, now: clock.now)
        #expect(check3 == .none)
        #expect(state.clustering == .idle && state.automaticRunStarts.isEmpty)
    }

    @Test func aPendingBacklogDefersTheRunUpToTheDeferPeriod() {
        let clock = ManualClock()
        var state = dueState()
        state.pending = ["m-1", "m-2"]
        let rule = rule(backlogDeferSeconds: 30)
        let started = clock.now
        let result1 = rule.check(&state, now: clock.now)
        #expect(result1 == .none)
        #expect(state.deferredSince == started && state.clustering == .idle)
        let next = rule.nextAutomaticRun(state, rule.evaluate(state, now: clock.now), now: clock.now)
        #expect(!next.runNow && next.nextAutomaticRunAt == started.addingTimeInterval(30))
        #expect(next.reason.contains("2 queued analyses"), "\(next.reason)")
        clock.advance(by: 29.9)
        let result2 = rule.check(&state, now: clock.now)
        #expect(result2 == .none, "still within the defer period")
        #expect(state.deferredSince == started, "the deferral keeps its start")
        clock.advance(by: 0.1)
        let result3 = rule.check(&state, now: clock.now)
        #expect(result3 == .schedule(reason: "First run: 3 messages and no clustering runs yet"))
        #expect(state.deferredSince == nil && state.clustering == .queued)
    }

    @Test func aDrainedBacklogRunsAtOnce() {
        let clock = ManualClock()
        var state = dueState()
        state.pending = ["m-1"]
        let check4 = rule().check(&state, now: clock.now)
        #expect(check4 == .none)
        clock.advance(by: 1)
        state.pending = []
        let check5 = rule().check(&state, now: clock.now)
        #expect(check5 != .none)
        #expect(state.clustering == .queued)
    }

    @Test func theHourlyCapHoldsARunAndLogsTheHoldOnce() {
        let clock = ManualClock()
        var state = dueState()
        state.latestSuccessfulRun = RunSummary(
            id: "r",
            status: "succeeded",
            createdAt: clock.now,
            finishedAt: clock.now,
            triggerReason: "First run",
            totalConversations: 2,
            totalMessages: 3,
            clustersCreated: 1,
            durationMs: 1,
            error: ""
        )
        state.lastRun = state.latestSuccessfulRun
        state.automaticRunStarts = [clock.now]
        clock.advance(by: 60)
        let rule = rule(schedule: ScheduleConfiguration(maxAutomaticRunsPerHour: 1))
        guard case .hold(let line) = rule.check(&state, now: clock.now) else {
            Issue.record("expected a hold")
            return
        }
        #expect(line.contains("hourly cap"), "\(line)")
        let result4 = rule.check(&state, now: clock.now)
        #expect(result4 == .none, "the same hold is logged once")
        #expect(state.clustering == .idle)
        clock.advance(by: 3600)
        let result5 = rule.check(&state, now: clock.now)
        #expect(result5 != .none, "an hour after the counted start")
        #expect(state.clustering == .queued && state.scheduleHold == "")
        #expect(state.automaticRunStarts == [clock.now], "the start an hour ago is no longer counted")
    }

    @Test func statusSaysWhyNoRunIsNext() {
        let clock = ManualClock()
        var state = dueState()
        let rule = rule()
        state.clustering = .running(stage: "clustering", progress: 0.5, followUp: false)
        let busy = rule.nextAutomaticRun(state, rule.evaluate(state, now: clock.now), now: clock.now)
        #expect(busy.reason.contains("in progress"))
        state.loaded = false
        let loading = rule.nextAutomaticRun(state, rule.evaluate(state, now: clock.now), now: clock.now)
        #expect(loading.reason.hasPrefix("starting up"))
        state.stopping = true
        #expect(
            rule.nextAutomaticRun(state, rule.evaluate(state, now: clock.now), now: clock.now).reason == "shutting down"
        )
    }
}
