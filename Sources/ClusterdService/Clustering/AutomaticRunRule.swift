import ClusterdCore
import Foundation

/// When the service starts a clustering run by itself: the trigger rules, the schedule (quiet hours, hourly cap)
/// and the backlog-defer rule, as pure functions of the state and the time.
struct AutomaticRunRule: Sendable {
    /// The trigger rules.
    let policy: TriggerPolicy
    /// Quiet hours and the hourly cap.
    let schedulePolicy: SchedulePolicy
    /// How long an automatic run that is due waits for a pending backlog of analyses to drain.
    let backlogDeferSeconds: Double

    /// What a trigger check asks the clustering lane to do.
    enum Action: Equatable, Sendable {
        /// Nothing (not due, not loaded, stopping, busy, or deferred for the backlog).
        case none
        /// Nothing, and log this line once: the schedule holds a due run back for a new reason.
        case hold(String)
        /// Put an automatic run on the lane (the lane is `queued` already), with this trigger reason.
        case schedule(reason: String)
    }

    /// What the trigger rules look at.
    func inputs(_ state: ServiceState) -> TriggerInputs {
        TriggerInputs(
            unprocessedMessages: state.unprocessed,
            newSinceLastAttempt: state.newSinceLastAttempt,
            analyzedMessages: state.analyzedTotal,
            lastRunAt: state.lastRun?.createdAt
        )
    }

    /// The trigger rules' verdict at `now`.
    func evaluate(_ state: ServiceState, now: Date) -> TriggerDecision {
        policy.evaluate(inputs(state), now: now)
    }

    /// Decides at `now` whether an automatic run starts, updating the hold, the backlog deferral, the hourly
    /// starts and the lane. While analyses are pending, a due run waits for them (at most `backlogDeferSeconds`),
    /// so a burst of messages gives one run instead of one per few messages.
    func check(_ state: inout ServiceState, now: Date) -> Action {
        let decision = evaluate(state, now: now)
        guard decision.runAutomatically, state.loaded, !state.stopping, !state.clustering.isBusy else { return .none }
        state.automaticRunStarts = schedulePolicy.countedStarts(state.automaticRunStarts, now: now)
        let allowed = scheduleDecision(state, decision, now: now)
        guard allowed.runNow else {
            // Log a hold once per reason, not on every tick.
            let hold = allowed.reason.components(separatedBy: ", waiting for ").last ?? allowed.reason
            guard hold != state.scheduleHold else { return .none }
            state.scheduleHold = hold
            let at = allowed.nextAutomaticRunAt.map { " (next at \(ServiceStatus.isoText($0)))" } ?? ""
            return .hold("Clustering is due but waits for \(hold)\(at)")
        }
        if !state.pending.isEmpty {
            let since = state.deferredSince ?? now
            state.deferredSince = since
            if now.timeIntervalSince(since) < backlogDeferSeconds { return .none }
        }
        state.deferredSince = nil
        state.scheduleHold = ""
        _ = state.clustering.scheduleAutomatic()
        state.automaticRunStarts.append(now)
        return .schedule(reason: decision.reason)
    }

    /// The schedule's verdict on an automatic run at `now`.
    func scheduleDecision(_ state: ServiceState, _ decision: TriggerDecision, now: Date) -> ScheduleDecision {
        schedulePolicy.evaluate(
            decision,
            inputs: inputs(state),
            hasSuccessfulRun: state.latestSuccessfulRun != nil,
            automaticRunStarts: state.automaticRunStarts,
            now: now
        )
    }

    /// When the next automatic run may happen and why, for status: the schedule's verdict, refined by what the
    /// service is doing (starting up, a run in progress, a backlog of analyses being drained first).
    func nextAutomaticRun(_ state: ServiceState, _ decision: TriggerDecision, now: Date) -> ScheduleDecision {
        let schedule = scheduleDecision(state, decision, now: now)
        guard policy.configuration.enabled else { return schedule }
        if state.stopping {
            return ScheduleDecision(runNow: false, nextAutomaticRunAt: nil, reason: "shutting down")
        }
        if !state.loaded {
            return ScheduleDecision(
                runNow: false,
                nextAutomaticRunAt: nil,
                reason: "starting up: loading state from MongoDB"
            )
        }
        if state.clustering.isBusy {
            return ScheduleDecision(
                runNow: false,
                nextAutomaticRunAt: nil,
                reason: "a clustering run is in progress; the next is decided when it ends"
            )
        }
        if schedule.runNow && !state.pending.isEmpty {
            let since = state.deferredSince ?? now
            return ScheduleDecision(
                runNow: false,
                nextAutomaticRunAt: since.addingTimeInterval(backlogDeferSeconds),
                reason: "\(schedule.reason); first waiting (at most \(Int(backlogDeferSeconds)) s) for "
                    + "\(state.pending.count) queued analyses"
            )
        }
        return schedule
    }
}
