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

    /// The state when no API key is configured.
    public static let notConfigured = "not configured"

    /// Creates a report of an unconfigured integration.
    public init() {}
}
