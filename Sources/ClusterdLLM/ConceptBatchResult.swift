import ClusterdCore

/// What one batched concept reply gave: the valid items by id, the ids that were missing or invalid (each falls
/// back alone), and the tokens the request used.
public struct ConceptBatchResult: Sendable, Equatable {
    /// Claude's concepts by message id.
    public var extractions: [String: ConceptExtraction]
    /// Ids asked whose item was missing or invalid.
    public var missing: [String]
    /// The request's token usage.
    public var usage: TokenUsage

    /// Creates a result.
    public init(extractions: [String: ConceptExtraction], missing: [String], usage: TokenUsage) {
        self.extractions = extractions
        self.missing = missing
        self.usage = usage
    }
}
