import ClusterdLLM
import Foundation
import Testing

/// Returns the given values in turn, then repeats the last.
struct ScriptedRandom: RandomNumberGenerator {
    var values: [UInt64]
    var index = 0

    mutating func next() -> UInt64 {
        defer { index += 1 }
        return values[min(index, values.count - 1)]
    }
}

@Suite("RetryPolicy decisions")
struct RetryPolicyTests {
    /// next() >> 11 = 2^52, so the jitter fraction is exactly 0.5.
    static let half: UInt64 = 1 << 63
    static let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
    let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(200), maxDelay: .seconds(2))

    @Test(
        "Status table",
        arguments: [
            (408, true), (429, true), (500, true), (502, true), (503, true), (504, true), (529, true),
            (200, false), (201, false), (400, false), (401, false), (403, false), (404, false), (413, false),
            (501, false),
        ]
    )
    func statusTable(status: Int, retries: Bool) {
        var random = ScriptedRandom(values: [Self.half])
        let decision = policy.decision(afterAttempt: 1, status: status, retryAfter: nil, now: Self.now, using: &random)
        #expect(decision == (retries ? .retry(after: .milliseconds(100)) : .doNotRetry))
    }

    @Test("Full-jitter exponential backoff, capped at maxDelay")
    func backoff() {
        var random = ScriptedRandom(values: [Self.half])
        let delays = (1...8).map { policy.backoff(afterAttempt: $0, using: &random) }
        #expect(
            delays == [
                .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1),
                .seconds(1), .seconds(1), .seconds(1),
            ]
        )
        var zero = ScriptedRandom(values: [0])
        #expect(policy.backoff(afterAttempt: 3, using: &zero) == .zero)
        var top = ScriptedRandom(values: [UInt64.max])
        let nearCeiling = policy.backoff(afterAttempt: 3, using: &top)
        #expect(nearCeiling < .milliseconds(800) && nearCeiling > .milliseconds(799))
        #expect(policy.backoff(afterAttempt: 1_000, using: &top) < .seconds(2))
    }

    @Test("Same seed, same delays")
    func deterministic() {
        var first = ScriptedRandom(values: [12_345, 1 << 62, 99 << 50])
        var second = first
        let a = (1...3).map { policy.backoff(afterAttempt: $0, using: &first) }
        let b = (1...3).map { policy.backoff(afterAttempt: $0, using: &second) }
        #expect(a == b)
    }

    @Test("Attempts run out")
    func attemptsRunOut() {
        var random = ScriptedRandom(values: [Self.half])
        #expect(
            policy.decision(afterAttempt: 4, status: 503, retryAfter: nil, now: Self.now, using: &random) != .doNotRetry
        )
        #expect(
            policy.decision(afterAttempt: 5, status: 503, retryAfter: nil, now: Self.now, using: &random) == .doNotRetry
        )
        #expect(
            policy.decision(afterAttempt: 5, status: 429, retryAfter: "1", now: Self.now, using: &random) == .doNotRetry
        )
        #expect(policy.decision(afterAttempt: 5, error: HTTPError(.timeout, "t"), using: &random) == .doNotRetry)
    }

    @Test(
        "retry-after in seconds or as an HTTP-date wins over backoff, capped at maxDelay",
        arguments: [
            ("1", Duration.seconds(1)), (" 0 ", .zero), ("120", .seconds(2)), ("99999999999999999999", .seconds(2)),
            ("Sun, 06 Nov 1994 08:49:38 GMT", .seconds(1)), ("Sunday, 06-Nov-94 08:49:38 GMT", .seconds(1)),
            ("Sun Nov  6 08:49:38 1994", .seconds(1)), ("Sun, 06 Nov 1994 08:49:30 GMT", .zero),
            ("Sun, 06 Nov 1994 09:49:37 GMT", .seconds(2)),
            // Unparseable: ignored, so backoff applies (0.5 × 200 ms).
            ("soon", .milliseconds(100)), ("-1", .milliseconds(100)), ("1.5", .milliseconds(100)),
        ]
    )
    func retryAfter(value: String, expected: Duration) {
        var random = ScriptedRandom(values: [Self.half])
        let decision = policy.decision(afterAttempt: 1, status: 429, retryAfter: value, now: Self.now, using: &random)
        #expect(decision == .retry(after: expected))
    }

    @Test("retry-after is ignored on statuses that are not retried")
    func retryAfterOnFinalStatus() {
        var random = ScriptedRandom(values: [Self.half])
        #expect(
            policy.decision(afterAttempt: 1, status: 400, retryAfter: "1", now: Self.now, using: &random) == .doNotRetry
        )
    }

    @Test("The response overload reads retry-after from the headers")
    func responseOverload() {
        var random = ScriptedRandom(values: [Self.half])
        let response = HTTPResponse(status: 529, headers: ["retry-after": "2"])
        #expect(
            policy.decision(afterAttempt: 2, response: response, now: Self.now, using: &random)
                == .retry(after: .seconds(2))
        )
    }

    @Test(
        "Transport errors: timeouts and connect failures are retried, nothing else",
        arguments: [
            (HTTPError.Code.timeout, true), (.connectFailed, true), (.invalidURL, false), (.invalidRequest, false),
            (.tooLarge, false), (.transport, false),
        ]
    )
    func transportErrors(code: HTTPError.Code, retries: Bool) {
        var random = ScriptedRandom(values: [Self.half])
        let decision = policy.decision(afterAttempt: 2, error: HTTPError(code, "x"), using: &random)
        #expect(decision == (retries ? .retry(after: .milliseconds(200)) : .doNotRetry))
    }
}
