import Foundation

/// The JSON shapes of `POST /v1/messages`: the request body, the reply and the error body.
enum MessagesWire {
    /// The request body.
    struct Request: Encodable {
        var model: String
        var maxTokens: Int
        var system: [SystemBlock]
        var messages: [Message]
        var thinking: Thinking?

        enum CodingKeys: String, CodingKey {
            case model, system, messages, thinking
            case maxTokens = "max_tokens"
        }
    }

    /// The system prompt as one text block marked for prompt caching: the fixed instructions are then read from the
    /// cache (`cache_read_input_tokens`) by later requests instead of being billed in full each time.
    struct SystemBlock: Encodable {
        var type = "text"
        var text: String
        var cacheControl = CacheControl()

        enum CodingKeys: String, CodingKey {
            case type, text
            case cacheControl = "cache_control"
        }
    }

    /// `{"type": "ephemeral"}`.
    struct CacheControl: Encodable {
        var type = "ephemeral"
    }

    /// One turn; `content` as a plain string.
    struct Message: Encodable {
        var role: String
        var content: String
    }

    /// `{"type": "disabled"}`.
    struct Thinking: Encodable {
        var type: String
    }

    /// A 2xx reply: `{id, type: "message", role, model, content: [...], stop_reason, usage}`.
    struct Reply: Decodable {
        var id: String?
        var type: String?
        var model: String?
        var content: [Block]
        var stopReason: String?
        var usage: Usage?

        enum CodingKeys: String, CodingKey {
            case id, type, model, content, usage
            case stopReason = "stop_reason"
        }
    }

    /// A content block; only `text` blocks carry `text`.
    struct Block: Decodable {
        var type: String
        var text: String?
    }

    /// `usage`.
    struct Usage: Decodable {
        var inputTokens: Int?
        var outputTokens: Int?
        var cacheCreationInputTokens: Int?
        var cacheReadInputTokens: Int?

        enum CodingKeys: String, CodingKey {
            case inputTokens = "input_tokens"
            case outputTokens = "output_tokens"
            case cacheCreationInputTokens = "cache_creation_input_tokens"
            case cacheReadInputTokens = "cache_read_input_tokens"
        }
    }

    /// An error body: `{"type": "error", "error": {"type": "rate_limit_error", "message": "…"}}`.
    struct ErrorBody: Decodable {
        var type: String?
        var error: Detail?

        struct Detail: Decodable {
            var type: String?
            var message: String?
        }
    }

    /// The request body as JSON.
    static func encode(_ request: MessageRequest, model: String, disableThinking: Bool) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Self.request(request, model: model, disableThinking: disableThinking))
    }

    /// The request body's value (also a batch entry's `params`).
    static func request(_ request: MessageRequest, model: String, disableThinking: Bool) -> Request {
        Request(
            model: model,
            maxTokens: request.maxTokens,
            system: [SystemBlock(text: request.system)],
            messages: [Message(role: "user", content: request.userText)],
            thinking: disableThinking ? Thinking(type: "disabled") : nil
        )
    }

    /// A 2xx body as a reply; nil when it is not one.
    static func decodeReply(_ data: Data) -> MessageResponse? {
        guard let reply = try? JSONDecoder().decode(Reply.self, from: data),
            reply.type == nil || reply.type == "message"
        else { return nil }
        let text = reply.content.filter { $0.type == "text" }.compactMap(\.text).joined()
        let usage = TokenUsage(
            inputTokens: max(0, reply.usage?.inputTokens ?? 0),
            outputTokens: max(0, reply.usage?.outputTokens ?? 0),
            cacheCreationInputTokens: max(0, reply.usage?.cacheCreationInputTokens ?? 0),
            cacheReadInputTokens: max(0, reply.usage?.cacheReadInputTokens ?? 0)
        )
        return MessageResponse(
            id: reply.id ?? "",
            model: reply.model ?? "",
            text: text,
            stopReason: reply.stopReason ?? "",
            usage: usage
        )
    }

    /// The `error.type` and `error.message` of an error body, when it has that shape.
    static func decodeError(_ data: Data) -> (type: String, message: String)? {
        guard let body = try? JSONDecoder().decode(ErrorBody.self, from: data), let detail = body.error else {
            return nil
        }
        return (detail.type ?? "", detail.message ?? "")
    }
}
