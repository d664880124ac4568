/// A successful Messages API reply, reduced to what clusterd uses.
public struct MessageResponse: Sendable, Equatable {
    /// The message id (`msg_…`).
    public var id: String
    /// The model that answered.
    public var model: String
    /// The `text` blocks of `content`, joined; other blocks (thinking, tool use) are skipped.
    public var text: String
    /// `stop_reason`: "end_turn", "max_tokens", "stop_sequence", "refusal", …
    public var stopReason: String
    /// Tokens used.
    public var usage: TokenUsage

    /// Creates a reply.
    public init(id: String, model: String, text: String, stopReason: String, usage: TokenUsage) {
        self.id = id
        self.model = model
        self.text = text
        self.stopReason = stopReason
        self.usage = usage
    }
}
