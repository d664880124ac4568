/// TriggerAnalysisBatch's answer: one result per item, in order, and the queue depth after the batch.
public struct TriggerAnalysisBatchResult: Sendable, Equatable {
    /// `results[i]` answers `items[i]`.
    public var results: [TriggerItemResult]
    /// The analysis queue's depth after the batch.
    public var queueDepth: UInt32

    /// Creates a result.
    public init(results: [TriggerItemResult], queueDepth: UInt32) {
        self.results = results
        self.queueDepth = queueDepth
    }
}
