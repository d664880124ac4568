import Foundation

/// Calls the Anthropic Messages API (`POST /v1/messages`) through libcurl, with retries and the limits of an
/// ``LLMGovernor``.
///
/// ``createMessage(_:)`` blocks for the whole call, retries included: call it from the service's OperationQueues,
/// never from an event loop or the Swift cooperative pool. Retried: 408, 429, 5xx and 529 responses, timeouts and
/// failed connections, after a full-jitter exponential backoff or the response's `retry-after` (a `retry-after`
/// longer than the policy's `maxDelay` is not waited out: the call fails as rate limited and later calls are held
/// until it has passed). Never retried: 400, 401, 403, 404 and other 4xx. The API key is sent only in the
/// `x-api-key` header and appears in no error or log.
public final class AnthropicClient: Sendable {
    /// The settings.
    public let configuration: AnthropicConfiguration
    /// The limiter, budget and health this client reports to.
    public let governor: LLMGovernor
    let http: CurlHTTPClient

    /// Creates a client. Throws ``LLMError/Code-swift.struct/invalidRequest`` for a base URL that is not https
    /// (or plain http to a loopback host), an empty key, or a bad HTTP configuration.
    public init(configuration: AnthropicConfiguration, governor: LLMGovernor) throws(LLMError) {
        guard !configuration.apiKey.isEmpty else {
            throw LLMError(.invalidRequest, "the API key is empty")
        }
        guard !configuration.model.isEmpty else {
            throw LLMError(.invalidRequest, "the model name is empty")
        }
        do {
            try CurlHTTPClient.checkTransportSecurity(CurlURL.parse(configuration.messagesURL))
            http = try CurlHTTPClient(configuration: configuration.http)
        } catch {
            throw LLMError(.invalidRequest, "ANTHROPIC_BASE_URL: \(error.message)")
        }
        self.configuration = configuration
        self.governor = governor
    }

    /// Sends `request` and returns the reply (any 2xx with a Messages API body, whatever its text), retrying as
    /// described above. Throws ``LLMError`` when there is no reply: refused by the governor (nothing sent), a final
    /// error status, attempts used up, or a 2xx that is not a Messages reply.
    public func createMessage(_ request: MessageRequest) throws(LLMError) -> MessageResponse {
        let body: Data
        do {
            body = try MessagesWire.encode(
                request,
                model: configuration.model,
                disableThinking: configuration.disableThinking
            )
        } catch {
            throw LLMError(.invalidRequest, "cannot encode the request: \(error)")
        }
        let httpRequest = HTTPRequest(
            method: "POST",
            url: configuration.messagesURL,
            headers: [
                ("x-api-key", configuration.apiKey),
                ("anthropic-version", configuration.apiVersion),
                ("content-type", "application/json"),
                ("accept", "application/json"),
            ],
            body: body
        )
        let ticket = try governor.beginCall(estimatedTokens: request.estimatedTokens, priority: request.priority)
        do {
            let response = try send(httpRequest, ticket: ticket)
            governor.endCall(ticket, outcome: .success(response.usage))
            return response
        } catch {
            governor.endCall(ticket, outcome: .failure(error))
            throw error
        }
    }

    /// The retry loop of one call that holds a slot.
    func send(_ request: HTTPRequest, ticket: LLMGovernor.Ticket) throws(LLMError) -> MessageResponse {
        var random = SystemRandomNumberGenerator()
        var attempt = 1
        while true {
            try governor.beginAttempt(ticket)
            let failure: LLMError
            let decision: RetryPolicy.Decision
            switch try self.attempt(request, number: attempt, random: &random) {
            case .reply(let reply): return reply
            case .failed(let error, let next): (failure, decision) = (error, next)
            }
            guard case .retry(let delay) = decision else { throw failure }
            governor.noteRetry()
            governor.sleep(delay)
            attempt += 1
        }
    }

    /// What one request gave.
    private enum AttemptResult {
        /// A Messages API reply.
        case reply(MessageResponse)
        /// A failure, and whether to try again.
        case failed(LLMError, RetryPolicy.Decision)
    }

    /// Sends one request. Throws for a 2xx that is not a Messages reply (not retried).
    private func attempt(
        _ request: HTTPRequest,
        number: Int,
        random: inout SystemRandomNumberGenerator
    ) throws(LLMError) -> AttemptResult {
        let policy = configuration.retry
        let response: HTTPResponse
        do {
            response = try http.send(request)
        } catch {
            let failure = Self.error(for: error)
            governor.attemptFailed(failure, retryAfter: nil)
            return .failed(failure, policy.decision(afterAttempt: number, error: error, using: &random))
        }
        if (200..<300).contains(response.status) {
            guard let reply = MessagesWire.decodeReply(response.body) else {
                let error = LLMError(
                    .invalidResponse,
                    "a \(response.status) reply that is not a Messages API message",
                    status: response.status
                )
                governor.attemptFailed(error, retryAfter: nil)
                throw error
            }
            return .reply(reply)
        }
        let failure = Self.error(for: response)
        let retryAfter = response.header("retry-after").flatMap { RetryPolicy.retryAfterDelay($0, now: Date()) }
        governor.attemptFailed(failure, retryAfter: retryAfter.map(Self.seconds))
        if let retryAfter, retryAfter > policy.maxDelay, policy.retryableStatuses.contains(response.status) {
            let message =
                "\(failure.message) (retry-after \(Self.seconds(retryAfter)) s is longer than the longest wait)"
            return .failed(LLMError(failure.code, message, status: failure.status), .doNotRetry)
        }
        return .failed(
            failure,
            policy.decision(afterAttempt: number, response: response, now: Date(), using: &random)
        )
    }

    /// Maps an error status and its body (`{type: "error", error: {type, message}}`); the API's text is cleaned and
    /// capped (``ReplyText/capped(_:limit:)``).
    static func error(for response: HTTPResponse) -> LLMError {
        let status = response.status
        let detail = MessagesWire.decodeError(response.body)
        var message: String
        if let detail, !detail.message.isEmpty {
            message = ReplyText.capped(detail.type.isEmpty ? detail.message : "\(detail.type): \(detail.message)")
        } else {
            let text = String(decoding: response.body.prefix(200), as: UTF8.self)
                .filter { !$0.isNewline }
            message = text.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(text)"
        }
        let code: LLMError.Code
        switch status {
        case 401:
            code = .authentication
            message = "the API key was rejected (check ANTHROPIC_API_KEY): \(message)"
        case 403: code = .permission
        case 404: code = .notFound
        case 408: code = .timeout
        case 429: code = .rateLimited
        case 529: code = .overloaded
        case 500..<600: code = .server
        default: code = .invalidRequest
        }
        return LLMError(code, message, status: status)
    }

    /// Maps a transport failure.
    static func error(for error: HTTPError) -> LLMError {
        switch error.code {
        case .timeout: return LLMError(.timeout, error.message)
        case .connectFailed: return LLMError(.unavailable, error.message)
        case .invalidURL, .invalidRequest: return LLMError(.invalidRequest, error.message)
        case .tooLarge: return LLMError(.invalidResponse, error.message)
        default: return LLMError(.unavailable, error.message)
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
