/// What status shows of the Claude integration (filled in by the service; all zero when not configured).
public struct LLMStatusReport: Sendable, Equatable {
    /// "ok", "rate-limited", "degraded", "over budget" or "not configured".
    public var state: String = LLMStatusReport.notConfigured
    /// The model asked, empty when not configured.
    public var model: String = ""
    /// HTTP requests sent to the API (each retry counts).
    public var calls: Int = 0
    /// Requests that failed: an error status or no response.
    public var failures: Int = 0
    /// Requests that were retries of a failed one.
    public var retries: Int = 0
    /// Concept extractions and cluster namings done locally because Claude was unavailable, over budget, rate
    /// limited or answered with something unusable.
    public var localFallbacks: Int = 0
    /// Input plus output tokens used in the current UTC day.
    public var tokensToday: Int = 0
    /// The daily token budget; 0 for none.
    public var dailyTokenBudget: Int = 0
    /// Tokens used since start-up.
    public var tokensTotal: Int = 0
    /// The latest failure, empty when none; never contains the API key.
    public var lastError: String = ""
    /// Messages whose local concepts wait for Claude's (the concept backlog, all replicas).
    public var backlog: Int = 0
    /// Messages upgraded to Claude's concepts per minute, over the last five minutes (this replica).
    public var backlogRatePerMinute: Double = 0
    /// Seconds until the backlog clears at that rate: 0 when empty, -1 when unknown.
    public var backlogClearsInSeconds: Double = 0
    /// Batched concept requests sent by this replica.
    public var conceptRequests: Int = 0
    /// Messages this replica upgraded to Claude's concepts.
    public var messagesUpgraded: Int = 0
    /// Concept tokens per upgraded message (input, output and cache, over all concept requests).
    public var tokensPerMessage: Double = 0
    /// Clusters of the latest run whose Claude name is still to come (they show their local name until then).
    public var namesPending: Int = 0
    /// The Message Batches API: "off", "idle", "in flight" or "unavailable".
    public var batchAPI: String = "off"

    /// The state when no API key is configured.
    public static let notConfigured = "not configured"

    /// Creates a report of an unconfigured integration.
    public init() {}
}
