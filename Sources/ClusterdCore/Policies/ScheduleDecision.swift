import Foundation

/// When the next automatic clustering run may happen, and why.
public struct ScheduleDecision: Sendable, Equatable {
    /// Start an automatic run now: the trigger rules hold and the schedule allows it.
    public var runNow: Bool
    /// The earliest time the next automatic run may start (now when `runNow`); nil when that depends on new
    /// messages arriving or background clustering is disabled.
    public var nextAutomaticRunAt: Date?
    /// For humans: what the next automatic run waits for.
    public var reason: String

    /// Creates a decision.
    public init(runNow: Bool, nextAutomaticRunAt: Date?, reason: String) {
        self.runNow = runNow
        self.nextAutomaticRunAt = nextAutomaticRunAt
        self.reason = reason
    }
}
