/// Settings of the Claude integration: where and how to call the Messages API, and the limits clusterd keeps to.
///
/// `description` never shows the API key.
public struct AnthropicConfiguration: Sendable, CustomStringConvertible {
    /// The `x-api-key` header value. Never logged.
    public var apiKey: String
    /// Scheme, host and optional port (and path prefix); `/v1/messages` is appended. Plain http only to loopback.
    public var baseURL: String
    /// The model asked for every request.
    public var model: String
    /// The `anthropic-version` header.
    public var apiVersion: String
    /// Sends `thinking: {"type": "disabled"}` (concepts and names need no extended thinking). Turn off for a model
    /// that refuses it; the request then leaves thinking to the model's default.
    public var disableThinking: Bool
    /// Output cap of a concept extraction.
    public var conceptMaxTokens: Int
    /// Output cap of a cluster naming.
    public var namingMaxTokens: Int
    /// Most clusters named in one request (``NamingBatchPrompt``); 1 names each cluster on its own.
    public var namingBatchClusters: Int
    /// Message text longer than this (in characters) is cut before it is sent.
    public var maxMessageCharacters: Int
    /// Connect and total timeouts, response size limit.
    public var http: HTTPClientConfiguration
    /// Which failures are retried, how often, and after how long.
    public var retry: RetryPolicy
    /// Most requests in flight at once.
    public var concurrency: Int
    /// Most requests started in any 60-second window; 0 for no limit.
    public var requestsPerMinute: Int
    /// Input plus output tokens allowed per UTC day; 0 for no limit. Past it, clusterd uses local concepts and
    /// names until midnight UTC.
    public var dailyTokenBudget: Int
    /// Longest a caller waits for a concurrency or rate slot before it uses the local fallback instead, seconds.
    public var maxQueueWaitSeconds: Double
    /// Consecutive failed calls after which the API is treated as down (state "degraded") for `circuitOpenSeconds`.
    public var failuresBeforeDegraded: Int
    /// How long calls are skipped once the API is treated as down, before one probe call, seconds.
    public var circuitOpenSeconds: Double
    /// After a 401 (key rejected), how long calls are skipped before one probe call, seconds.
    public var authRetrySeconds: Double
    /// Of `requestsPerMinute`, how many the concept backlog leaves to cluster naming.
    public var namingRequestsPerMinute: Int
    /// Estimated input tokens of the messages in one batched concept request.
    public var conceptBatchTokens: Int
    /// Most messages in one batched concept request.
    public var conceptBatchItems: Int
    /// Whether a large concept backlog goes through the Message Batches API.
    public var batchAPI: BatchAPIMode
    /// Backlog size from which the Message Batches API is used (`batchAPI` auto).
    public var batchAPIMinBacklog: Int

    /// `CLUSTERD_LLM_BATCH_API`.
    public enum BatchAPIMode: String, Sendable, Equatable {
        /// Large backlogs go through `/v1/messages/batches`, with normal requests as the fallback.
        case auto
        /// Normal requests only.
        case off
    }

    /// `https://api.anthropic.com`.
    public static let defaultBaseURL = "https://api.anthropic.com"
    /// A current Haiku-class model.
    public static let defaultModel = "claude-haiku-5-5"

    /// Creates a configuration; everything but the key has a default.
    public init(
        apiKey: String,
        baseURL: String = AnthropicConfiguration.defaultBaseURL,
        model: String = AnthropicConfiguration.defaultModel,
        apiVersion: String = "2023-06-01",
        disableThinking: Bool = true,
        conceptMaxTokens: Int = 512,
        namingMaxTokens: Int = 400,
        namingBatchClusters: Int = 20,
        maxMessageCharacters: Int = 8_000,
        http: HTTPClientConfiguration = HTTPClientConfiguration(
            connectTimeoutMilliseconds: 5_000,
            totalTimeoutMilliseconds: 30_000,
            userAgent: "clusterd"
        ),
        retry: RetryPolicy = RetryPolicy(),
        concurrency: Int = 4,
        requestsPerMinute: Int = 50,
        dailyTokenBudget: Int = 2_000_000,
        maxQueueWaitSeconds: Double = 30,
        failuresBeforeDegraded: Int = 3,
        circuitOpenSeconds: Double = 30,
        authRetrySeconds: Double = 300,
        namingRequestsPerMinute: Int = 5,
        conceptBatchTokens: Int = 6_000,
        conceptBatchItems: Int = 40,
        batchAPI: BatchAPIMode = .off,
        batchAPIMinBacklog: Int = 2_000
    ) {
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.model = model
        self.apiVersion = apiVersion
        self.disableThinking = disableThinking
        self.conceptMaxTokens = max(1, conceptMaxTokens)
        self.namingMaxTokens = max(1, namingMaxTokens)
        self.namingBatchClusters = max(1, namingBatchClusters)
        self.maxMessageCharacters = max(1, maxMessageCharacters)
        self.http = http
        self.retry = retry
        self.concurrency = max(1, concurrency)
        self.requestsPerMinute = max(0, requestsPerMinute)
        self.dailyTokenBudget = max(0, dailyTokenBudget)
        self.maxQueueWaitSeconds = max(0, maxQueueWaitSeconds)
        self.failuresBeforeDegraded = max(1, failuresBeforeDegraded)
        self.circuitOpenSeconds = max(0, circuitOpenSeconds)
        self.authRetrySeconds = max(0, authRetrySeconds)
        self.namingRequestsPerMinute = max(0, namingRequestsPerMinute)
        self.conceptBatchTokens = max(100, conceptBatchTokens)
        self.conceptBatchItems = max(1, conceptBatchItems)
        self.batchAPI = batchAPI
        self.batchAPIMinBacklog = max(1, batchAPIMinBacklog)
    }

    /// `POST` target of the Message Batches API: the base URL, then `/v1/messages/batches`.
    public var batchesURL: String { messagesURL + "/batches" }

    /// `POST` target: the base URL without trailing slashes, then `/v1/messages`.
    public var messagesURL: String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/v1/messages"
    }

    /// The settings without the key.
    public var description: String {
        "AnthropicConfiguration(baseURL: \(baseURL), model: \(model), apiKey: <redacted>, concurrency: \(concurrency), "
            + "requestsPerMinute: \(requestsPerMinute), dailyTokenBudget: \(dailyTokenBudget))"
    }
}
