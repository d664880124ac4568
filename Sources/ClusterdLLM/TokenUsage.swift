/// The `usage` object of a Messages API reply.
public struct TokenUsage: Sendable, Equatable {
    /// `input_tokens`.
    public var inputTokens: Int
    /// `output_tokens`.
    public var outputTokens: Int
    /// `cache_creation_input_tokens`.
    public var cacheCreationInputTokens: Int
    /// `cache_read_input_tokens`.
    public var cacheReadInputTokens: Int

    /// Creates a usage record.
    public init(
        inputTokens: Int = 0,
        outputTokens: Int = 0,
        cacheCreationInputTokens: Int = 0,
        cacheReadInputTokens: Int = 0
    ) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheCreationInputTokens = cacheCreationInputTokens
        self.cacheReadInputTokens = cacheReadInputTokens
    }

    /// Every token the call consumed, as counted against the daily budget.
    public var total: Int {
        inputTokens + outputTokens + cacheCreationInputTokens + cacheReadInputTokens
    }
}
