/// One single-turn Messages API request: a system prompt and one user message.
public struct MessageRequest: Sendable, Equatable {
    /// The system prompt.
    public var system: String
    /// The user turn's text.
    public var userText: String
    /// `max_tokens`: the output cap.
    public var maxTokens: Int
    /// Whose capacity the request uses (interactive: cluster naming; background: the concept backlog).
    public var priority: LLMPriority

    /// Creates a request.
    public init(system: String, userText: String, maxTokens: Int, priority: LLMPriority = .interactive) {
        self.system = system
        self.userText = userText
        self.maxTokens = maxTokens
        self.priority = priority
    }

    /// A generous guess of the tokens the call may use (input at about 3 bytes a token, plus the whole output
    /// cap), reserved from the daily budget while it runs.
    public var estimatedTokens: Int {
        (system.utf8.count + userText.utf8.count) / 3 + 64 + maxTokens
    }
}
