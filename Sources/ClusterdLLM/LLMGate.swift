import ClusterdCore
import Foundation

/// The limiter, budget and health of the Claude integration as a value-type state machine: each event is a
/// `mutating` method taking the current time, and admission answers say grant, wait, or refuse. ``LLMGovernor``
/// holds one behind a lock and does the waiting; tests drive it with made-up times.
///
/// - Concurrency: at most `concurrency` calls hold a slot; a call keeps its slot across its retries.
/// - Rate: at most `requestsPerMinute` requests (each retry counts) start in any 60-second window, and none while a
///   429's `retry-after` runs. Background requests (the concept backlog) leave `namingRequestsPerMinute` of them,
///   and one of the `concurrency` slots when there are several, to interactive ones (cluster naming), so naming never
///   waits behind concept work.
/// - Budget: a call starts only if the tokens used this UTC day, plus the estimates of calls still running, plus its
///   own estimate fit in `dailyTokenBudget`; afterwards its real usage replaces the estimate.
/// - Health: `failuresBeforeDegraded` failed calls in a row (or one 401) open the circuit: calls are refused for
///   `circuitOpenSeconds` (`authRetrySeconds` after a 401), then one probe call is let through; its success closes
///   the circuit, its failure opens it again.
struct LLMGate {
    /// An answer to a request for a slot.
    enum Admission: Equatable {
        /// Go ahead (a probe when the circuit was open).
        case granted(probe: Bool)
        /// Ask again after this many seconds.
        case wait(Double)
        /// Do not call: use the local fallback.
        case refused(LLMError)
    }

    /// What ended a call.
    enum Outcome {
        /// A 2xx reply (usable or not: its tokens were spent).
        case success(TokenUsage)
        /// No usable reply.
        case failure(LLMError)
    }

    let configuration: AnthropicConfiguration
    private(set) var inFlight = 0
    private(set) var reservedTokens = 0
    private(set) var starts: [Date] = []
    private(set) var day = Int.min
    private(set) var tokensToday = 0
    private(set) var tokensTotal = 0
    private(set) var calls = 0
    private(set) var failures = 0
    private(set) var retries = 0
    private(set) var fallbacks = 0
    private(set) var lastError = ""
    private(set) var consecutiveFailures = 0
    /// The circuit is open (calls refused) until then; stays set while the probe runs.
    private(set) var openUntil: Date?
    /// Set by a 401: the key was rejected.
    private(set) var keyRejected = false
    private(set) var probing = false
    private(set) var rateLimitedUntil: Date?
    /// The latest call ended rate limited (a 429 or no slot in time); cleared by a success.
    private(set) var rateLimited = false
    /// A call was refused for the budget this UTC day.
    private(set) var budgetExhausted = false
    private(set) var stopping = false
    /// Interactive calls waiting for a slot or a request: background ones hold back meanwhile.
    var interactiveWaiting = 0

    /// The rate limit's window, seconds: a minute and a half second, so a request sent just as the window turns
    /// cannot reach the API (whose minute starts on arrival) inside the previous one's minute.
    static let rateWindow = 60.5

    init(configuration: AnthropicConfiguration) {
        self.configuration = configuration
    }

    /// Asks for a call slot for a call that may use `estimatedTokens`.
    mutating func beginCall(estimatedTokens: Int, priority: LLMPriority = .interactive, now: Date) -> Admission {
        rollDay(now)
        if stopping { return .refused(LLMError(.stopping, "the service is shutting down")) }
        var probe = false
        if let until = openUntil {
            if now < until || probing {
                let why =
                    keyRejected
                    ? "the API key was rejected (401)" : "the API failed \(consecutiveFailures) times in a row"
                return .refused(LLMError(.circuitOpen, "calls skipped: \(why); last error: \(lastError)"))
            }
            probe = true
        }
        let budget = configuration.dailyTokenBudget
        if budget > 0 && tokensToday + reservedTokens + estimatedTokens > budget {
            budgetExhausted = true
            return .refused(
                LLMError(.overBudget, "daily token budget of \(budget) reached (\(tokensToday) used today, UTC)")
            )
        }
        if inFlight >= concurrencyLimit(priority) { return .wait(0.05) }
        inFlight += 1
        reservedTokens += estimatedTokens
        if probe { probing = true }
        return .granted(probe: probe)
    }

    /// Asks to send one request (the first or a retry) of a call that holds a slot.
    mutating func beginAttempt(priority: LLMPriority = .interactive, now: Date) -> Admission {
        if stopping { return .refused(LLMError(.stopping, "the service is shutting down")) }
        let delay = attemptDelay(priority: priority, now: now)
        if delay > 0 { return .wait(delay) }
        if configuration.requestsPerMinute > 0 { starts.append(now) }
        calls += 1
        return .granted(probe: false)
    }

    /// Seconds until a request of `priority` could start (0: now): a running `retry-after`, or the sliding minute
    /// full for that priority (a background request sees the limit less the naming reserve).
    mutating func attemptDelay(priority: LLMPriority, now: Date) -> Double {
        if let until = rateLimitedUntil, now < until { return until.timeIntervalSince(now) }
        if priority == .background && interactiveWaiting > 0 { return 0.05 }
        let rpm = configuration.requestsPerMinute
        guard rpm > 0 else { return 0 }
        let limit = priority == .interactive ? rpm : max(1, rpm - configuration.namingRequestsPerMinute)
        let horizon = now.addingTimeInterval(-Self.rateWindow)
        starts.removeAll { $0 <= horizon }
        guard starts.count >= limit else { return 0 }
        let oldest = starts[starts.count - limit]
        return max(0.001, oldest.addingTimeInterval(Self.rateWindow).timeIntervalSince(now))
    }

    /// Seconds until a background call could get a slot and send at once (0: now): what the concept backlog waits
    /// before it asks, so it never queues inside the governor.
    mutating func backgroundDelay(now: Date) -> Double {
        if stopping { return 0 }
        let delay = attemptDelay(priority: .background, now: now)
        if delay > 0 { return delay }
        return inFlight >= concurrencyLimit(.background) ? 0.05 : 0
    }

    /// The slots a call of `priority` may fill: all of them for interactive calls, all but one (when there are
    /// several) for background ones.
    private func concurrencyLimit(_ priority: LLMPriority) -> Int {
        let all = configuration.concurrency
        return priority == .interactive || all == 1 ? all : all - 1
    }

    /// A request failed; `status` is its HTTP status when one arrived, `retryAfter` its `retry-after` in seconds.
    mutating func attemptFailed(_ error: LLMError, retryAfter: Double?, now: Date) {
        failures += 1
        lastError = ReplyText.capped("\(error)")
        if error.code == .rateLimited {
            rateLimited = true
            if let retryAfter {
                let until = now.addingTimeInterval(retryAfter)
                rateLimitedUntil = max(rateLimitedUntil ?? until, until)
            }
        }
        if error.code == .authentication {
            keyRejected = true
            openUntil = now.addingTimeInterval(configuration.authRetrySeconds)
        }
    }

    /// A failed request will be tried again.
    mutating func noteRetry() {
        retries += 1
    }

    /// A caller gave up (no slot in time, or an unusable reply) and used the local fallback.
    mutating func noteFallback(reason: String?) {
        fallbacks += 1
        if let reason { lastError = ReplyText.capped(reason) }
    }

    /// A call was refused before it was sent; a refusal for the budget becomes the last error.
    mutating func noteRefused(_ error: LLMError) {
        if error.code == .overBudget { lastError = ReplyText.capped("\(error)") }
    }

    /// A caller could not get a slot within the configured wait.
    mutating func noteQueueTimeout(_ error: LLMError) {
        rateLimited = true
        lastError = ReplyText.capped("\(error)")
    }

    /// Ends a call that held a slot.
    mutating func endCall(estimatedTokens: Int, probe: Bool, outcome: Outcome, now: Date) {
        inFlight = max(0, inFlight - 1)
        reservedTokens = max(0, reservedTokens - estimatedTokens)
        if probe { probing = false }
        rollDay(now)
        switch outcome {
        case .success(let usage):
            tokensToday += usage.total
            tokensTotal += usage.total
            consecutiveFailures = 0
            openUntil = nil
            keyRejected = false
            rateLimited = false
        case .failure(let error):
            switch error.code {
            case .authentication:
                break  // attemptFailed opened the circuit
            case .rateLimited, .rateLimiterTimeout:
                rateLimited = true
            case .overBudget, .circuitOpen, .stopping:
                break
            default:
                consecutiveFailures += 1
                if probe || consecutiveFailures >= configuration.failuresBeforeDegraded {
                    openUntil = now.addingTimeInterval(configuration.circuitOpenSeconds)
                }
            }
        }
    }

    /// Whether ``beginCall(estimatedTokens:priority:now:)`` would not refuse now (it may still wait).
    mutating func mayCall(estimatedTokens: Int, now: Date) -> Bool {
        rollDay(now)
        if stopping { return false }
        if let until = openUntil, now < until || probing { return false }
        let budget = configuration.dailyTokenBudget
        return budget == 0 || tokensToday + reservedTokens + estimatedTokens <= budget
    }

    /// Adds tokens used outside the slots (Message Batches results) to the day and the total.
    mutating func addUsage(_ usage: TokenUsage, now: Date) {
        rollDay(now)
        tokensToday += usage.total
        tokensTotal += usage.total
    }

    /// Refuses every later call and wait.
    mutating func stop() {
        stopping = true
    }

    /// The state status shows.
    func state(now: Date) -> String {
        if openUntil != nil { return "degraded" }
        if budgetExhausted && Self.utcDay(now) == day { return "over budget" }
        if rateLimited || (rateLimitedUntil.map { now < $0 } ?? false) { return "rate-limited" }
        return "ok"
    }

    /// The status report at `now`.
    func report(now: Date) -> LLMStatusReport {
        var report = LLMStatusReport()
        report.state = state(now: now)
        report.model = configuration.model
        report.calls = calls
        report.failures = failures
        report.retries = retries
        report.localFallbacks = fallbacks
        report.tokensToday = Self.utcDay(now) == day ? tokensToday : 0
        report.dailyTokenBudget = configuration.dailyTokenBudget
        report.tokensTotal = tokensTotal
        report.lastError = lastError
        return report
    }

    /// Sets the tokens already used on `day` (for example read back from MongoDB at start-up), if it is today.
    mutating func restore(tokensUsed: Int, onDay restoredDay: Int, now: Date) {
        rollDay(now)
        guard restoredDay == day else { return }
        tokensToday = max(tokensToday, tokensUsed)
    }

    /// Days since 1970-01-01 in UTC.
    static func utcDay(_ date: Date) -> Int {
        Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    private mutating func rollDay(_ now: Date) {
        let today = Self.utcDay(now)
        guard today != day else { return }
        day = today
        tokensToday = 0
        budgetExhausted = false
    }
}
