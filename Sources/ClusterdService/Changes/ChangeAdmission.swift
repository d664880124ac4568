/// What the lock-held part of handing an inserted message from the change stream to the analysis lane decided.
enum ChangeAdmission: Equatable, Sendable {
    /// Reserved in `pending`: put it on the analysis lane.
    case queued
    /// Already waiting or in flight (a trigger or the sweep got there first), or background clustering is disabled:
    /// nothing to do.
    case skipped
    /// The queue is full: wait for room (the stream applies backpressure instead of dropping the event).
    case full
    /// The service is stopping.
    case stopping
}

extension ServiceState {
    /// Decides an inserted message reported by the change stream, reserving the id in `pending` when it is queued.
    /// The same dedupe as a trigger (`admit(messageID:enabled:queueCapacity:)`), but not counted as a trigger, and a
    /// full queue is not a refusal: the caller waits for room.
    mutating func admitChange(messageID: String, enabled: Bool, queueCapacity: Int) -> ChangeAdmission {
        if stopping { return .stopping }
        if !enabled || pending.contains(messageID) { return .skipped }
        if pending.count >= queueCapacity { return .full }
        pending.insert(messageID)
        return .queued
    }

    /// Releases ids `admitChange` reserved that will not be analysed (already analysed, or not handed over).
    mutating func releaseChanges(_ messageIDs: [String]) {
        pending.subtract(messageIDs)
    }
}
