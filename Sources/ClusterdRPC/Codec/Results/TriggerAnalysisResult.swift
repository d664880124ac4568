/// TriggerAnalysis's answer: what happened to the message, and the queue depth after it.
public struct TriggerAnalysisResult: Sendable, Equatable {
    /// Queued, already queued, or recorded.
    public var outcome: TriggerOutcome
    /// The analysis queue's depth after the trigger.
    public var queueDepth: UInt32

    /// Creates a result.
    public init(outcome: TriggerOutcome, queueDepth: UInt32) {
        self.outcome = outcome
        self.queueDepth = queueDepth
    }
}
