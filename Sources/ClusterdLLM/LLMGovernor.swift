import ClusterdCore
import Foundation
import Synchronization

/// Thread-safe home of an ``LLMGate``: blocks callers (on the service's OperationQueues) while they wait for a
/// slot, at most `maxQueueWaitSeconds`, and reports state changes.
public final class LLMGovernor: Sendable {
    /// A call's slot, returned by ``beginCall(estimatedTokens:)`` and given back to ``endCall(_:outcome:)``.
    public struct Ticket: Sendable {
        let estimatedTokens: Int
        let probe: Bool
        let priority: LLMPriority
    }

    private let gate: Mutex<LLMGate>
    private let now: @Sendable () -> Date
    private let maxWait: Double
    private let lastState: Mutex<String>
    private let onStateChange: @Sendable (_ from: String, _ to: String, _ detail: String) -> Void

    /// Creates a governor for `configuration`; `onStateChange` is called (outside the lock) whenever the state
    /// shown in status changes, with the latest error as detail.
    public init(
        configuration: AnthropicConfiguration,
        now: @escaping @Sendable () -> Date = { Date() },
        onStateChange: @escaping @Sendable (_ from: String, _ to: String, _ detail: String) -> Void = { _, _, _ in }
    ) {
        gate = Mutex(LLMGate(configuration: configuration))
        self.now = now
        maxWait = configuration.maxQueueWaitSeconds
        lastState = Mutex("ok")
        self.onStateChange = onStateChange
    }

    /// Takes a call slot, waiting for one at most the configured time. Throws without waiting when the call may
    /// not be made (over budget, circuit open, stopping), and ``LLMError/Code-swift.struct/rateLimiterTimeout``
    /// when no slot came free in time.
    public func beginCall(estimatedTokens: Int, priority: LLMPriority = .interactive) throws(LLMError) -> Ticket {
        let probe = try waitingAs(priority) { () throws(LLMError) -> Bool in
            try waitForAdmission { gate, time in
                gate.beginCall(estimatedTokens: estimatedTokens, priority: priority, now: time)
            }
        }
        return Ticket(estimatedTokens: estimatedTokens, probe: probe, priority: priority)
    }

    /// Takes a request slot (rate limit, `retry-after`) for the next request of the call holding `ticket`.
    public func beginAttempt(_ ticket: Ticket) throws(LLMError) {
        _ = try waitingAs(ticket.priority) { () throws(LLMError) -> Bool in
            try waitForAdmission { gate, time in gate.beginAttempt(priority: ticket.priority, now: time) }
        }
    }

    /// Runs a wait for admission; an interactive one is counted meanwhile, and background calls hold back until it
    /// is over (names never wait behind concept work).
    private func waitingAs<R>(_ priority: LLMPriority, _ body: () throws(LLMError) -> R) throws(LLMError) -> R {
        guard priority == .interactive else { return try body() }
        gate.withLock { $0.interactiveWaiting += 1 }
        defer { gate.withLock { $0.interactiveWaiting -= 1 } }
        return try body()
    }

    /// Seconds until a background call could start without waiting (0: now).
    public func backgroundDelay() -> Double {
        let time = now()
        return gate.withLock { $0.backgroundDelay(now: time) }
    }

    /// Whether a call may be made at all now (not stopping, circuit closed or ready to probe, budget left for
    /// `estimatedTokens`): what the concept backlog checks before it claims work.
    public func mayCall(estimatedTokens: Int) -> Bool {
        let time = now()
        return gate.withLock { $0.mayCall(estimatedTokens: estimatedTokens, now: time) }
    }

    /// Records the usage of a call made outside the slots (the Message Batches API's results): counted against the
    /// day's budget and in the totals.
    public func addUsage(_ usage: TokenUsage) {
        update { $0.addUsage(usage, now: now()) }
    }

    /// Records a failed request; `retryAfter` is its `retry-after` in seconds.
    public func attemptFailed(_ error: LLMError, retryAfter: Double?) {
        update { $0.attemptFailed(error, retryAfter: retryAfter, now: now()) }
    }

    /// Records that a failed request will be retried.
    public func noteRetry() {
        update { $0.noteRetry() }
    }

    /// Records that a caller used the local fallback; `reason` becomes the last error when given.
    public func noteFallback(reason: String?) {
        update { $0.noteFallback(reason: reason) }
    }

    /// Gives a call's slot back with its outcome.
    public func endCall(_ ticket: Ticket, outcome: Result<TokenUsage, LLMError>) {
        let mapped: LLMGate.Outcome
        switch outcome {
        case .success(let usage): mapped = .success(usage)
        case .failure(let error): mapped = .failure(error)
        }
        update { $0.endCall(estimatedTokens: ticket.estimatedTokens, probe: ticket.probe, outcome: mapped, now: now()) }
    }

    /// Sleeps up to `duration`, returning early once ``stop()`` was called.
    public func sleep(_ duration: Duration) {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline {
            if gate.withLock({ $0.stopping }) { return }
            let left = deadline - ContinuousClock.now
            Thread.sleep(forTimeInterval: min(0.05, max(0, Self.seconds(left))))
        }
    }

    /// Refuses every later call and ends every wait (at shutdown).
    public func stop() {
        gate.withLock { $0.stop() }
    }

    /// Tokens used today, for persisting: the UTC day number and the count.
    public func tokensToday() -> (day: Int, tokens: Int) {
        let time = now()
        let report = gate.withLock { $0.report(now: time) }
        return (LLMGate.utcDay(time), report.tokensToday)
    }

    /// Raises today's count to `tokens` if `day` (days since 1970, UTC) is today: usage read back at start-up.
    public func restore(tokensUsed tokens: Int, onDay day: Int) {
        update { $0.restore(tokensUsed: tokens, onDay: day, now: now()) }
    }

    /// What status shows.
    public func report() -> LLMStatusReport {
        let time = now()
        let report = gate.withLock { $0.report(now: time) }
        announce(report.state, detail: report.lastError)
        return report
    }

    private func update(_ change: (inout LLMGate) -> Void) {
        let time = now()
        let (state, detail) = gate.withLock { gate in
            change(&gate)
            return (gate.state(now: time), gate.lastError)
        }
        announce(state, detail: detail)
    }

    private func announce(_ state: String, detail: String) {
        let previous = lastState.withLock { last in
            defer { last = state }
            return last
        }
        if previous != state { onStateChange(previous, state, detail) }
    }

    /// Polls the gate until it grants, refuses, or the wait would pass the deadline.
    private func waitForAdmission(_ ask: (inout LLMGate, Date) -> LLMGate.Admission) throws(LLMError) -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(maxWait * 1000))
        while true {
            let time = now()
            let answer = gate.withLock { ask(&$0, time) }
            switch answer {
            case .granted(let probe):
                return probe
            case .refused(let error):
                update { $0.noteRefused(error) }
                throw error
            case .wait(let seconds):
                let left = deadline - ContinuousClock.now
                if seconds > Self.seconds(left) {
                    let error = LLMError(
                        .rateLimiterTimeout,
                        "no request slot within \(maxWait) s (concurrency or requests-per-minute limit, or retry-after)"
                    )
                    update { $0.noteQueueTimeout(error) }
                    throw error
                }
                Thread.sleep(forTimeInterval: min(seconds, 0.05, Self.seconds(left)))
                if gate.withLock({ $0.stopping }) {
                    throw LLMError(.stopping, "the service is shutting down")
                }
            }
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
