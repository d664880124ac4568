/// What a TriggerAnalysis did.
public enum TriggerOutcome: Int, Sendable, Equatable {
    /// Not set (a malformed reply).
    case unspecified = 0
    /// Put on the analysis queue.
    case queued = 1
    /// Already waiting or being analysed.
    case alreadyQueued = 2
    /// Counted only: background clustering is disabled.
    case recorded = 3
}
