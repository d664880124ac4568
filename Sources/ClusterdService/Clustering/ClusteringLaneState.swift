/// The clustering lane's state: one run at a time, with at most one follow-up queued behind it.
///
/// A value-type state machine: its transitions return what the lane must do, the lane carries it out.
enum ClusteringLaneState: Equatable, Sendable {
    /// No run queued or running.
    case idle
    /// A run is on the lane's queue and has not started yet.
    case queued
    /// A run is in progress at `stage` (`progress` from 0 to 1); `followUp` when a forced run waits behind it.
    case running(stage: String, progress: Double, followUp: Bool)

    /// What a ForceClustering asks the lane to do.
    enum ForceAction: Equatable, Sendable {
        /// Put a run on the lane now (the state is `queued`).
        case start
        /// Nothing: a run is queued and has not started yet.
        case alreadyQueued
        /// Nothing now: a follow-up runs after the current run; `already` when an earlier force had asked for it.
        case followUpQueued(already: Bool)
    }

    /// What the lane does after a run ends.
    enum FollowUp: Equatable, Sendable {
        /// Put the follow-up run on the lane (the state is `queued`).
        case runFollowUp
        /// Nothing queued: check the automatic trigger rules.
        case checkTriggers
    }

    /// A forced run: starts one when idle, else coalesces into the queued run or the one follow-up.
    mutating func force() -> ForceAction {
        switch self {
        case .idle:
            self = .queued
            return .start
        case .queued:
            return .alreadyQueued
        case .running(let stage, let progress, let followUp):
            self = .running(stage: stage, progress: progress, followUp: true)
            return .followUpQueued(already: followUp)
        }
    }

    /// An automatic run: queues one when idle; false (nothing to do) while a run is queued or running.
    mutating func scheduleAutomatic() -> Bool {
        guard self == .idle else { return false }
        self = .queued
        return true
    }

    /// The queued run starts on the lane.
    mutating func begin() {
        self = .running(stage: "starting", progress: 0, followUp: false)
    }

    /// The running run reached `stage`; ignored unless a run is in progress.
    mutating func advance(to stage: String, progress: Double) {
        guard case .running(_, _, let followUp) = self else { return }
        self = .running(stage: stage, progress: progress, followUp: followUp)
    }

    /// The run ended: the follow-up is queued unless the service is stopping, else the lane is idle.
    mutating func finish(stopping: Bool) -> FollowUp {
        if case .running(_, _, true) = self, !stopping {
            self = .queued
            return .runFollowUp
        }
        self = .idle
        return .checkTriggers
    }

    /// Not idle: a run is queued or in progress (status counts both as in progress).
    var isBusy: Bool { self != .idle }

    /// A run has started and not ended.
    var isRunning: Bool {
        if case .running = self { return true }
        return false
    }

    /// The stage status shows: the running stage, "queued", or empty when idle.
    var stage: String {
        switch self {
        case .idle: return ""
        case .queued: return "queued"
        case .running(let stage, _, _): return stage
        }
    }

    /// The running run's progress; 0 otherwise.
    var progress: Double {
        if case .running(_, let progress, _) = self { return progress }
        return 0
    }

    /// A follow-up run waits behind the running one.
    var followUpQueued: Bool {
        if case .running(_, _, true) = self { return true }
        return false
    }

    /// The reply to a ForceClustering that took `action`.
    static func reply(to action: ForceAction) -> ForceResult {
        switch action {
        case .start:
            return ForceResult(started: true, followUpQueued: false, message: "clustering started")
        case .alreadyQueued:
            return ForceResult(
                started: false,
                followUpQueued: false,
                message: "a clustering run is already queued and has not started yet"
            )
        case .followUpQueued(let already):
            return ForceResult(
                started: false,
                followUpQueued: true,
                message: already
                    ? "a clustering run is in progress and a follow-up is already queued"
                    : "a clustering run is in progress; one follow-up run is queued"
            )
        }
    }
}
