/// The reply to a batch of triggers.
public struct BatchTriggerResult: Sendable, Equatable {
    /// One result per id, in request order: the outcome, or why that id was refused.
    public var results: [Result<TriggerOutcomeKind, ServiceError>]
    /// Messages waiting after the whole batch.
    public var queueDepth: Int

    /// Creates a result.
    public init(results: [Result<TriggerOutcomeKind, ServiceError>], queueDepth: Int) {
        self.results = results
        self.queueDepth = queueDepth
    }
}
