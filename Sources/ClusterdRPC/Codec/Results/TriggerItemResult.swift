/// What happened to one message of a batch trigger.
public struct TriggerItemResult: Sendable, Equatable {
    /// The outcome when accepted; `.unspecified` when `error` is set.
    public var outcome: TriggerOutcome
    /// Why the item was refused (INVALID_ARGUMENT, RESOURCE_EXHAUSTED, UNAVAILABLE); nil when accepted.
    public var error: RPCError?

    /// Creates a result.
    public init(outcome: TriggerOutcome, error: RPCError? = nil) {
        self.outcome = outcome
        self.error = error
    }
}
