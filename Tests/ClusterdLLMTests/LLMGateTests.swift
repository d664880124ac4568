import ClusterdCore
import Foundation
import Testing

@testable import ClusterdLLM

@Suite("LLMGate: limiter, budget and health, with made-up times")
struct LLMGateTests {
    let t0 = Date(timeIntervalSince1970: 1_750_000_000)  // 2025-06-15 15:06:40 UTC

    func gate(
        concurrency: Int = 2,
        rpm: Int = 0,
        budget: Int = 0,
        failures: Int = 3,
        open: Double = 30,
        auth: Double = 300
    ) -> LLMGate {
        LLMGate(
            configuration: AnthropicConfiguration(
                apiKey: "k",
                concurrency: concurrency,
                requestsPerMinute: rpm,
                dailyTokenBudget: budget,
                failuresBeforeDegraded: failures,
                circuitOpenSeconds: open,
                authRetrySeconds: auth
            )
        )
    }

    @Test("Concurrency: a third call waits until a slot is given back")
    func concurrency() {
        var gate = gate(concurrency: 2)
        #expect(gate.beginCall(estimatedTokens: 10, now: t0) == .granted(probe: false))
        #expect(gate.beginCall(estimatedTokens: 10, now: t0) == .granted(probe: false))
        guard case .wait = gate.beginCall(estimatedTokens: 10, now: t0) else {
            Issue.record("expected a wait")
            return
        }
        gate.endCall(estimatedTokens: 10, probe: false, outcome: .success(TokenUsage(inputTokens: 5)), now: t0)
        #expect(gate.beginCall(estimatedTokens: 10, now: t0) == .granted(probe: false))
    }

    @Test("Requests per minute: a sliding 60-second window, retries included")
    func requestsPerMinute() {
        var gate = gate(rpm: 2)
        #expect(gate.beginAttempt(now: t0) == .granted(probe: false))
        #expect(gate.beginAttempt(now: t0.addingTimeInterval(10)) == .granted(probe: false))
        #expect(gate.beginAttempt(now: t0.addingTimeInterval(20)) == .wait(40.5))
        #expect(gate.beginAttempt(now: t0.addingTimeInterval(61)) == .granted(probe: false))
        #expect(gate.calls == 3)
    }

    @Test("retry-after of a 429 holds every caller's next request; a success clears rate-limited")
    func retryAfterHoldsEveryone() {
        var gate = gate()
        let error = LLMError(.rateLimited, "slow down", status: 429)
        gate.attemptFailed(error, retryAfter: 5, now: t0)
        #expect(gate.state(now: t0) == "rate-limited")
        #expect(gate.beginAttempt(now: t0.addingTimeInterval(1)) == .wait(4))
        #expect(gate.beginAttempt(now: t0.addingTimeInterval(5)) == .granted(probe: false))
        _ = gate.beginCall(estimatedTokens: 1, now: t0)
        gate.endCall(estimatedTokens: 1, probe: false, outcome: .success(TokenUsage()), now: t0.addingTimeInterval(6))
        #expect(gate.state(now: t0.addingTimeInterval(6)) == "ok")
    }

    @Test("Budget: estimates are reserved; usage counts; refused past it; a new UTC day starts afresh")
    func budget() {
        var gate = gate(budget: 1_000)
        #expect(gate.beginCall(estimatedTokens: 600, now: t0) == .granted(probe: false))
        // 600 reserved: another 600 would not fit.
        guard case .refused(let error) = gate.beginCall(estimatedTokens: 600, now: t0) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(error.code == .overBudget)
        #expect(gate.state(now: t0) == "over budget")
        gate.endCall(
            estimatedTokens: 600,
            probe: false,
            outcome: .success(TokenUsage(inputTokens: 200, outputTokens: 100)),
            now: t0
        )
        #expect(gate.report(now: t0).tokensToday == 300)
        #expect(gate.beginCall(estimatedTokens: 600, now: t0) == .granted(probe: false))
        gate.endCall(estimatedTokens: 600, probe: false, outcome: .success(TokenUsage(inputTokens: 650)), now: t0)
        guard case .refused = gate.beginCall(estimatedTokens: 100, now: t0) else {
            Issue.record("expected a refusal")
            return
        }
        let tomorrow = t0.addingTimeInterval(86_400)
        #expect(gate.report(now: tomorrow).tokensToday == 0)
        #expect(gate.state(now: tomorrow) == "ok")
        #expect(gate.beginCall(estimatedTokens: 600, now: tomorrow) == .granted(probe: false))
        #expect(gate.report(now: tomorrow).tokensTotal == 950)
    }

    @Test("Restored usage counts only for today")
    func restore() {
        var gate = gate(budget: 1_000)
        gate.restore(tokensUsed: 900, onDay: LLMGate.utcDay(t0) - 1, now: t0)
        #expect(gate.report(now: t0).tokensToday == 0)
        gate.restore(tokensUsed: 900, onDay: LLMGate.utcDay(t0), now: t0)
        #expect(gate.report(now: t0).tokensToday == 900)
        guard case .refused = gate.beginCall(estimatedTokens: 200, now: t0) else {
            Issue.record("expected a refusal")
            return
        }
    }

    @Test("Circuit: consecutive failures open it; after the cooldown one probe goes; its result decides")
    func circuit() {
        var gate = gate(failures: 2, open: 30)
        let down = LLMError(.unavailable, "connection refused")
        for _ in 0..<2 {
            #expect(gate.beginCall(estimatedTokens: 1, now: t0) == .granted(probe: false))
            gate.attemptFailed(down, retryAfter: nil, now: t0)
            gate.endCall(estimatedTokens: 1, probe: false, outcome: .failure(down), now: t0)
        }
        #expect(gate.state(now: t0) == "degraded")
        guard case .refused(let skipped) = gate.beginCall(estimatedTokens: 1, now: t0.addingTimeInterval(10)) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(skipped.code == .circuitOpen)
        let later = t0.addingTimeInterval(31)
        #expect(gate.beginCall(estimatedTokens: 1, now: later) == .granted(probe: true))
        guard case .refused = gate.beginCall(estimatedTokens: 1, now: later) else {
            Issue.record("only one probe at a time")
            return
        }
        gate.endCall(estimatedTokens: 1, probe: true, outcome: .failure(down), now: later)
        #expect(gate.state(now: later) == "degraded")
        guard case .refused = gate.beginCall(estimatedTokens: 1, now: later.addingTimeInterval(1)) else {
            Issue.record("a failed probe reopens the circuit")
            return
        }
        let muchLater = later.addingTimeInterval(31)
        #expect(gate.beginCall(estimatedTokens: 1, now: muchLater) == .granted(probe: true))
        gate.endCall(estimatedTokens: 1, probe: true, outcome: .success(TokenUsage(outputTokens: 3)), now: muchLater)
        #expect(gate.state(now: muchLater) == "ok")
        #expect(gate.beginCall(estimatedTokens: 1, now: muchLater) == .granted(probe: false))
    }

    @Test("A 401 degrades at once and holds calls for the auth retry interval")
    func unauthorized() {
        var gate = gate(failures: 5, auth: 300)
        let rejected = LLMError(.authentication, "the API key was rejected", status: 401)
        _ = gate.beginCall(estimatedTokens: 1, now: t0)
        gate.attemptFailed(rejected, retryAfter: nil, now: t0)
        gate.endCall(estimatedTokens: 1, probe: false, outcome: .failure(rejected), now: t0)
        #expect(gate.state(now: t0) == "degraded")
        guard case .refused = gate.beginCall(estimatedTokens: 1, now: t0.addingTimeInterval(299)) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(gate.beginCall(estimatedTokens: 1, now: t0.addingTimeInterval(301)) == .granted(probe: true))
    }

    @Test("Rate limits and refusals do not count toward the circuit")
    func rateLimitsDoNotDegrade() {
        var gate = gate(failures: 1)
        let limited = LLMError(.rateLimited, "429", status: 429)
        _ = gate.beginCall(estimatedTokens: 1, now: t0)
        gate.endCall(estimatedTokens: 1, probe: false, outcome: .failure(limited), now: t0)
        #expect(gate.state(now: t0) == "rate-limited")
        #expect(gate.beginCall(estimatedTokens: 1, now: t0) == .granted(probe: false))
    }

    @Test("Stopping refuses calls and attempts")
    func stopping() {
        var gate = gate()
        gate.stop()
        guard case .refused(let error) = gate.beginCall(estimatedTokens: 1, now: t0) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(error.code == .stopping)
        guard case .refused = gate.beginAttempt(now: t0) else {
            Issue.record("expected a refusal")
            return
        }
    }
}

extension LLMGateTests {
    @Test("Names first: background requests leave the naming reserve and one slot; interactive ones get them")
    func namingReserve() {
        var configuration = AnthropicConfiguration(apiKey: "k", concurrency: 2, requestsPerMinute: 5)
        configuration.namingRequestsPerMinute = 2
        var gate = LLMGate(configuration: configuration)
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        for second in 0..<3 {
            #expect(
                gate.beginAttempt(priority: .background, now: t0.addingTimeInterval(Double(second)))
                    == .granted(probe: false)
            )
        }
        #expect(gate.beginAttempt(priority: .background, now: t0.addingTimeInterval(3)) == .wait(57.5))
        #expect(gate.backgroundDelay(now: t0.addingTimeInterval(3)) == 57.5)
        #expect(gate.beginAttempt(priority: .interactive, now: t0.addingTimeInterval(3)) == .granted(probe: false))
        #expect(gate.beginAttempt(priority: .interactive, now: t0.addingTimeInterval(4)) == .granted(probe: false))
        guard case .wait = gate.beginAttempt(priority: .interactive, now: t0.addingTimeInterval(5)) else {
            Issue.record("the whole limit is used")
            return
        }
        #expect(gate.beginAttempt(priority: .background, now: t0.addingTimeInterval(63)) == .granted(probe: false))

        #expect(gate.beginCall(estimatedTokens: 1, priority: .background, now: t0) == .granted(probe: false))
        guard case .wait = gate.beginCall(estimatedTokens: 1, priority: .background, now: t0) else {
            Issue.record("a background call may not take the last slot")
            return
        }
        #expect(gate.beginCall(estimatedTokens: 1, priority: .interactive, now: t0) == .granted(probe: false))
    }
}

extension LLMGateTests {
    @Test("A waiting interactive call holds background requests back")
    func interactiveWaitingHoldsBackground() {
        var gate = LLMGate(configuration: AnthropicConfiguration(apiKey: "k", requestsPerMinute: 50))
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        #expect(gate.backgroundDelay(now: t0) == 0)
        gate.interactiveWaiting = 1
        #expect(gate.backgroundDelay(now: t0) > 0)
        #expect(gate.beginAttempt(priority: .background, now: t0) == .wait(0.05))
        #expect(gate.beginAttempt(priority: .interactive, now: t0) == .granted(probe: false))
    }
}
