/// Why a Claude call produced no usable reply; HTTP statuses, the API's error body and transport failures are
/// mapped into it once, in ``AnthropicClient``.
public struct LLMError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Sendable {
            case authentication, permission, invalidRequest, notFound, rateLimited, overloaded, server, timeout
            case unavailable, invalidResponse, refused, overBudget, rateLimiterTimeout, circuitOpen, stopping
        }

        private let kind: Kind

        /// 401: the API key was rejected.
        public static let authentication = Code(kind: .authentication)
        /// 403: the key may not use this resource or model.
        public static let permission = Code(kind: .permission)
        /// 400, 413 or another 4xx: the request was refused as malformed.
        public static let invalidRequest = Code(kind: .invalidRequest)
        /// 404: for example an unknown model.
        public static let notFound = Code(kind: .notFound)
        /// 429: the account's rate limit.
        public static let rateLimited = Code(kind: .rateLimited)
        /// 529: the API is overloaded.
        public static let overloaded = Code(kind: .overloaded)
        /// 500 and other 5xx.
        public static let server = Code(kind: .server)
        /// The connect or total timeout expired.
        public static let timeout = Code(kind: .timeout)
        /// No connection, or another transport failure.
        public static let unavailable = Code(kind: .unavailable)
        /// A 2xx whose body is not a Messages API reply.
        public static let invalidResponse = Code(kind: .invalidResponse)
        /// The model declined (`stop_reason` "refusal").
        public static let refused = Code(kind: .refused)
        /// The daily token budget would be exceeded; no request was sent.
        public static let overBudget = Code(kind: .overBudget)
        /// No concurrency or rate slot came free within the configured wait; no request was sent.
        public static let rateLimiterTimeout = Code(kind: .rateLimiterTimeout)
        /// Calls are being skipped after repeated failures (or a rejected key) until a probe succeeds; no request
        /// was sent.
        public static let circuitOpen = Code(kind: .circuitOpen)
        /// The service is shutting down; no request was sent.
        public static let stopping = Code(kind: .stopping)

        /// The code's name.
        public var description: String { kind.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// Human-readable detail (the API's own message when it sent one); never contains the API key.
    public var message: String
    /// The HTTP status, when a response arrived.
    public var status: Int?

    /// Creates an error.
    public init(_ code: Code, _ message: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status
    }

    /// "rateLimited (429): Number of request tokens has exceeded your per-minute rate limit".
    public var description: String {
        if let status { return "\(code) (\(status)): \(message)" }
        return "\(code): \(message)"
    }
}
