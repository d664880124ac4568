/// What the lock-held part of a trigger decided.
enum TriggerAdmission: Equatable, Sendable {
    /// Counted only (background clustering disabled).
    case recorded
    /// Already waiting or in flight.
    case already
    /// Refused: the queue is full at this depth.
    case refused(Int)
    /// Refused: the service is stopping.
    case stopping
    /// Reserved in `pending`, which now holds this many ids: put it on the analysis lane.
    case queued(Int)
}

extension ServiceState {
    /// Counts a trigger and decides it, reserving the id in `pending` when it is queued. A refusal for a full queue
    /// makes the next sweep full (the refused id may sit below the sweep's watermark).
    mutating func admit(messageID: String, enabled: Bool, queueCapacity: Int) -> TriggerAdmission {
        triggersTotal += 1
        if stopping { return .stopping }
        if !enabled { return .recorded }
        if pending.contains(messageID) { return .already }
        if pending.count >= queueCapacity {
            triggersRefused += 1
            sweep.fullSweepNeeded = true
            return .refused(pending.count)
        }
        pending.insert(messageID)
        return .queued(pending.count)
    }
}
