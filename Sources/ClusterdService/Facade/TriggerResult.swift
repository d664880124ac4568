/// The reply to a trigger.
public struct TriggerResult: Sendable, Equatable {
    /// What happened.
    public var outcome: TriggerOutcomeKind
    /// Messages waiting after it.
    public var queueDepth: Int
}
