/// What a trigger did.
public enum TriggerOutcomeKind: Sendable, Equatable {
    /// Put on the queue.
    case queued
    /// Already waiting or in flight.
    case alreadyQueued
    /// Counted only (background clustering disabled).
    case recorded
}
