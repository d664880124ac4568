import ClusterdLLM
import ClusterdTestSupport
import Foundation

/// Settings for tests against a fake: fast retries (200 ms base, 2 s cap, 3 attempts) and a 2 s total timeout.
func testConfiguration(
    _ fake: FakeAnthropicServer,
    apiKey: String? = nil,
    maxAttempts: Int = 3,
    totalTimeoutMilliseconds: Int = 2_000,
    concurrency: Int = 4,
    requestsPerMinute: Int = 0,
    dailyTokenBudget: Int = 0,
    maxQueueWaitSeconds: Double = 5,
    failuresBeforeDegraded: Int = 3,
    circuitOpenSeconds: Double = 30
) -> AnthropicConfiguration {
    AnthropicConfiguration(
        apiKey: apiKey ?? fake.apiKey,
        baseURL: fake.baseURL,
        model: "claude-test-model",
        http: HTTPClientConfiguration(
            connectTimeoutMilliseconds: 1_000,
            totalTimeoutMilliseconds: totalTimeoutMilliseconds,
            userAgent: "clusterd-test"
        ),
        retry: RetryPolicy(maxAttempts: maxAttempts, baseDelay: .milliseconds(200), maxDelay: .seconds(2)),
        concurrency: concurrency,
        requestsPerMinute: requestsPerMinute,
        dailyTokenBudget: dailyTokenBudget,
        maxQueueWaitSeconds: maxQueueWaitSeconds,
        failuresBeforeDegraded: failuresBeforeDegraded,
        circuitOpenSeconds: circuitOpenSeconds
    )
}

/// A client on a fresh governor.
func makeClient(_ configuration: AnthropicConfiguration) throws -> AnthropicClient {
    try AnthropicClient(configuration: configuration, governor: LLMGovernor(configuration: configuration))
}

/// A small request.
let pingRequest = MessageRequest(system: "Reply with {}.", userText: "hello", maxTokens: 64)

/// Gaps between consecutive request arrivals, in seconds.
func gaps(_ requests: [FakeAnthropicServer.RecordedRequest]) -> [Double] {
    zip(requests.dropFirst(), requests).map { $0.time - $1.time }
}

/// "0.512 s, 1.003 s".
func describe(_ gaps: [Double]) -> String {
    gaps.map { String(format: "%.3f s", $0) }.joined(separator: ", ")
}
