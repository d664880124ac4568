import ClusterdLLM
import ClusterdTestSupport
import Foundation
import Synchronization
import Testing

// Serialized: each case blocks its thread (a Python fake server's start-up, curl), and run in parallel they held
// every thread of the 2-core machine's cooperative pool for ~30 s, starving the timing-sensitive async tests.
@Suite("AnthropicClient against a fake Messages API on loopback", .serialized, .timeLimit(.minutes(3)))
struct AnthropicClientTests {
    @Test("Success: the request has the API's headers and body; the reply's text block and usage are read")
    func success() throws {
        let fake = try FakeAnthropicServer()
        try fake.script([.text(#"{"ok": true}"#)])
        let client = try makeClient(testConfiguration(fake))
        let reply = try client.createMessage(MessageRequest(system: "sys", userText: "hi there", maxTokens: 77))
        #expect(reply.text == #"{"ok": true}"#)  // the thinking block before it is skipped
        #expect(reply.stopReason == "end_turn")
        #expect(reply.id.hasPrefix("msg_fake_"))
        #expect(reply.model == "claude-test-model")
        #expect(reply.usage.inputTokens > 0 && reply.usage.outputTokens > 0)

        let requests = try fake.requests()
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.path == "/v1/messages")
        #expect(request.status == 200)
        #expect(request.headers["x-api-key"] == "test-key")
        #expect(request.headers["anthropic-version"] == "2023-06-01")
        #expect(request.headers["content-type"] == "application/json")
        let body = try #require(request.json)
        #expect(body["model"] as? String == "claude-test-model")
        #expect(body["max_tokens"] as? Int == 77)
        let system = try #require(body["system"] as? [[String: Any]])
        #expect(system.count == 1)
        #expect(system.first?["text"] as? String == "sys")
        #expect(system.first?["type"] as? String == "text")
        #expect((system.first?["cache_control"] as? [String: Any])?["type"] as? String == "ephemeral")
        let messages = try #require(body["messages"] as? [[String: Any]])
        #expect(messages.count == 1)
        #expect(messages.first?["role"] as? String == "user")
        #expect(messages.first?["content"] as? String == "hi there")
        #expect((body["thinking"] as? [String: Any])?["type"] as? String == "disabled")
        #expect(body["temperature"] == nil)

        let report = client.governor.report()
        #expect(report.state == "ok")
        #expect(report.calls == 1 && report.failures == 0 && report.retries == 0)
        #expect(report.tokensToday == reply.usage.total && report.tokensTotal == reply.usage.total)
    }

    @Test("429 with retry-after: 1 is retried after one second, then succeeds")
    func rateLimitedWithRetryAfter() throws {
        let fake = try FakeAnthropicServer()
        try fake.script([
            .error(status: 429, type: "rate_limit_error", message: "Number of requests exceeded", retryAfter: "1")
        ])
        let client = try makeClient(testConfiguration(fake))
        _ = try client.createMessage(pingRequest)
        let requests = try fake.requests()
        #expect(requests.map(\.status) == [429, 200])
        let observed = gaps(requests)
        print("429 retry-after 1 → observed gap: \(describe(observed))")
        #expect(observed.allSatisfy { $0 >= 0.95 && $0 < 2.0 })
        let report = client.governor.report()
        #expect(report.retries == 1 && report.failures == 1 && report.calls == 2)
        #expect(report.state == "ok")
        #expect(report.lastError.contains("rate_limit_error: Number of requests exceeded"))
    }

    @Test("529 overloaded and 500 are retried with jittered exponential backoff")
    func overloadedAndServerErrors() throws {
        let fake = try FakeAnthropicServer()
        try fake.script([
            .error(status: 529, type: "overloaded_error", message: "Overloaded"),
            .error(status: 500, type: "api_error", message: "Internal server error"),
        ])
        let client = try makeClient(testConfiguration(fake))
        let reply = try client.createMessage(pingRequest)
        #expect(!reply.text.isEmpty)
        let requests = try fake.requests()
        #expect(requests.map(\.status) == [529, 500, 200])
        let observed = gaps(requests)
        print("529 then 500 (base 200 ms, full jitter) → observed gaps: \(describe(observed))")
        // Full jitter: the first wait is below 200 ms, the second below 400 ms (plus request time).
        #expect(observed.count == 2)
        #expect(observed[0] < 0.2 + 0.25 && observed[1] < 0.4 + 0.25)
        #expect(client.governor.report().retries == 2)
    }

    @Test("The default policy (4 attempts, 0.5 s base, full jitter) on three 529s, then success")
    func defaultPolicyDelays() throws {
        let fake = try FakeAnthropicServer()
        let overloaded = FakeAnthropicServer.Behaviour.error(
            status: 529,
            type: "overloaded_error",
            message: "Overloaded"
        )
        try fake.script([overloaded, overloaded, overloaded])
        var configuration = testConfiguration(fake)
        configuration.retry = RetryPolicy()
        let client = try makeClient(configuration)
        _ = try client.createMessage(pingRequest)
        let requests = try fake.requests()
        #expect(requests.map(\.status) == [529, 529, 529, 200])
        let observed = gaps(requests)
        print("default policy, 529 ×3 → observed gaps: \(describe(observed)) (ceilings 0.5 s, 1 s, 2 s)")
        #expect(observed.count == 3)
        for (index, gap) in observed.enumerated() {
            #expect(gap < 0.5 * Double(1 << index) + 0.3)
        }
    }

    @Test("500 on every attempt: attempts run out and the call fails as .server")
    func serverErrorsExhaustAttempts() throws {
        let fake = try FakeAnthropicServer()
        try fake.script([], otherwise: .error(status: 500, type: "api_error", message: "boom"))
        let client = try makeClient(testConfiguration(fake))
        let error = #expect(throws: LLMError.self) { try client.createMessage(pingRequest) }
        #expect(error?.code == .server)
        #expect(error?.status == 500)
        #expect(error?.message == "api_error: boom")
        let requests = try fake.requests()
        #expect(requests.count == 3)
        print("500 ×3 (3 attempts) → observed gaps: \(describe(gaps(requests)))")
        let report = client.governor.report()
        #expect(report.calls == 3 && report.failures == 3 && report.retries == 2)
    }

    @Test("A reply hanging past the timeout is a retried .timeout")
    func hangPastTimeout() throws {
        let fake = try FakeAnthropicServer()
        try fake.script([.hang(seconds: 3)])
        let client = try makeClient(testConfiguration(fake, totalTimeoutMilliseconds: 500))
        let clock = ContinuousClock()
        let start = clock.now
        let reply = try client.createMessage(pingRequest)
        let elapsed = clock.now - start
        #expect(!reply.text.isEmpty)
        let requests = try fake.requests()
        #expect(requests.count == 2)
        #expect(requests.last?.status == 200)  // the hung one is still sleeping (status 0)
        print(
            "hang 3 s, timeout 500 ms → call took \(elapsed); retry sent \(describe(gaps(requests))) after the first"
        )
        #expect(elapsed >= .milliseconds(500) && elapsed < .seconds(2))
        let report = client.governor.report()
        #expect(report.retries == 1 && report.failures == 1)
        #expect(report.lastError.hasPrefix("timeout"))
    }

    @Test("Every attempt times out: the call fails as .timeout after the attempts")
    func everyAttemptTimesOut() throws {
        let fake = try FakeAnthropicServer()
        try fake.script([], otherwise: .hang(seconds: 2))
        let client = try makeClient(testConfiguration(fake, maxAttempts: 2, totalTimeoutMilliseconds: 300))
        let error = #expect(throws: LLMError.self) { try client.createMessage(pingRequest) }
        #expect(error?.code == .timeout)
        #expect(client.governor.report().failures == 2)
    }

    @Test("401: not retried; the integration is degraded with a clear message and later calls are skipped")
    func unauthorized() throws {
        let fake = try FakeAnthropicServer()
        let states = Mutex<[String]>([])
        let configuration = testConfiguration(fake, apiKey: "wrong-key-123")
        let governor = LLMGovernor(
            configuration: configuration,
            onStateChange: { from, to, _ in states.withLock { $0.append("\(from)→\(to)") } }
        )
        let client = try AnthropicClient(configuration: configuration, governor: governor)
        let error = #expect(throws: LLMError.self) { try client.createMessage(pingRequest) }
        #expect(error?.code == .authentication)
        #expect(error?.status == 401)
        #expect(error?.message.contains("ANTHROPIC_API_KEY") == true)
        #expect(error?.description.contains("wrong-key-123") == false)
        #expect(try fake.requests().count == 1)

        let report = client.governor.report()
        #expect(report.state == "degraded")
        #expect(report.lastError.contains("authentication_error"))
        #expect(!report.lastError.contains("wrong-key-123"))
        #expect(states.withLock { $0 } == ["ok→degraded"])

        let skipped = #expect(throws: LLMError.self) { try client.createMessage(pingRequest) }
        #expect(skipped?.code == .circuitOpen)
        #expect(skipped?.message.contains("401") == true)
        #expect(try fake.requests().count == 1)
    }

    @Test(
        "400, 403 and 404 are not retried",
        arguments: [
            (400, "invalid_request_error", LLMError.Code.invalidRequest), (403, "permission_error", .permission),
            (404, "not_found_error", .notFound),
        ]
    )
    func finalStatuses(status: Int, type: String, code: LLMError.Code) throws {
        let fake = try FakeAnthropicServer()
        try fake.script([.error(status: status, type: type, message: "nope")])
        let client = try makeClient(testConfiguration(fake))
        let error = #expect(throws: LLMError.self) { try client.createMessage(pingRequest) }
        #expect(error?.code == code)
        #expect(error?.message == "\(type): nope")
        #expect(try fake.requests().count == 1)
        #expect(client.governor.report().retries == 0)
    }

    @Test("A retry-after longer than the longest wait is not waited out; later calls are held, then refused")
    func longRetryAfter() throws {
        let fake = try FakeAnthropicServer()
        try fake.script([.error(status: 429, type: "rate_limit_error", message: "slow down", retryAfter: "60")])
        let client = try makeClient(testConfiguration(fake, maxQueueWaitSeconds: 0.5))
        let clock = ContinuousClock()
        let start = clock.now
        let error = #expect(throws: LLMError.self) { try client.createMessage(pingRequest) }
        #expect(error?.code == .rateLimited)
        #expect(clock.now - start < .seconds(1))
        #expect(client.governor.report().state == "rate-limited")
        let held = #expect(throws: LLMError.self) { try client.createMessage(pingRequest) }
        #expect(held?.code == .rateLimiterTimeout)
        #expect(try fake.requests().count == 1)
    }

    @Test("A 200 that is not a Messages reply is .invalidResponse, not retried")
    func invalidReplyBody() throws {
        let fake = try FakeAnthropicServer()
        try fake.script([.raw(status: 200, body: "<html>proxy</html>")])
        let client = try makeClient(testConfiguration(fake))
        let error = #expect(throws: LLMError.self) { try client.createMessage(pingRequest) }
        #expect(error?.code == .invalidResponse)
        #expect(try fake.requests().count == 1)
    }

    @Test("API down: connection refused is retried, then consecutive failures degrade and later calls are skipped")
    func apiDown() throws {
        let fake = try FakeAnthropicServer()
        let client = try makeClient(testConfiguration(fake, maxAttempts: 2, failuresBeforeDegraded: 2))
        fake.stop()
        for _ in 0..<2 {
            let error = #expect(throws: LLMError.self) { try client.createMessage(pingRequest) }
            #expect(error?.code == .unavailable)
        }
        #expect(client.governor.report().state == "degraded")
        #expect(client.governor.report().calls == 4)
        let clock = ContinuousClock()
        let start = clock.now
        let skipped = #expect(throws: LLMError.self) { try client.createMessage(pingRequest) }
        #expect(skipped?.code == .circuitOpen)
        #expect(clock.now - start < .milliseconds(50))
        #expect(client.governor.report().calls == 4)
    }

    @Test("The concurrency limit keeps requests from overlapping")
    func concurrencyLimit() throws {
        let fake = try FakeAnthropicServer()
        try fake.script([], otherwise: .hang(seconds: 0.4))
        let client = try makeClient(testConfiguration(fake, concurrency: 1))
        DispatchQueue.concurrentPerform(iterations: 3) { _ in
            _ = try? client.createMessage(pingRequest)
        }
        let requests = try fake.requests()
        #expect(requests.count == 3)
        let observed = gaps(requests)
        print("concurrency 1, 0.4 s replies → arrival gaps: \(describe(observed))")
        #expect(observed.allSatisfy { $0 >= 0.38 })
    }

    @Test("Requests per minute: a request that would wait longer than the max wait is not sent")
    func requestsPerMinute() throws {
        let fake = try FakeAnthropicServer()
        let client = try makeClient(testConfiguration(fake, requestsPerMinute: 1, maxQueueWaitSeconds: 0.5))
        _ = try client.createMessage(pingRequest)
        let clock = ContinuousClock()
        let start = clock.now
        let error = #expect(throws: LLMError.self) { try client.createMessage(pingRequest) }
        #expect(error?.code == .rateLimiterTimeout)
        #expect(clock.now - start < .milliseconds(100))  // the slot frees in ~60 s: no point waiting 0.5 s
        #expect(client.governor.report().state == "rate-limited")
        #expect(try fake.requests().count == 1)
    }

    @Test("The daily token budget stops calls before they are sent")
    func dailyBudget() throws {
        let fake = try FakeAnthropicServer()
        let client = try makeClient(testConfiguration(fake, dailyTokenBudget: 400))
        _ = try client.createMessage(pingRequest)  // estimate 64+64+~6 = 134 fits; uses ~70
        var refused: LLMError?
        for _ in 0..<10 {
            do { _ = try client.createMessage(pingRequest) } catch {
                refused = error
                break
            }
        }
        #expect(refused?.code == .overBudget)
        let report = client.governor.report()
        #expect(report.state == "over budget")
        #expect(report.tokensToday <= 400)
        #expect(try fake.requests().count == report.calls)
    }

    @Test("Configuration: plain http only to loopback; the key never appears in the description")
    func configurationChecks() throws {
        let remote = AnthropicConfiguration(apiKey: "sk-secret", baseURL: "http://api.example.com")
        let error = #expect(throws: LLMError.self) {
            try AnthropicClient(configuration: remote, governor: LLMGovernor(configuration: remote))
        }
        #expect(error?.code == .invalidRequest)
        #expect(error?.description.contains("sk-secret") == false)
        #expect(!remote.description.contains("sk-secret"))
        #expect(
            AnthropicConfiguration(apiKey: "k", baseURL: "https://x.test/").messagesURL == "https://x.test/v1/messages"
        )
        let empty = AnthropicConfiguration(apiKey: "")
        #expect(throws: LLMError.self) {
            try AnthropicClient(configuration: empty, governor: LLMGovernor(configuration: empty))
        }
    }
}
