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

    /// Takes up to `limit` (at least 1) waiting analyses off the backlog, oldest first, and counts them in flight.
    mutating func takeAnalysisBatch(limit: Int) -> [(messageID: String, attempt: Int)] {
        let count = min(max(1, limit), analysisBacklog.count)
        let batch = Array(analysisBacklog.prefix(count))
        analysisBacklog.removeFirst(count)
        inFlight += count
        return batch
    }

    /// One analysis of a batch ended: no longer in flight, and no longer pending unless it is retried later.
    /// True when it left `pending`.
    mutating func finishAnalysis(_ messageID: String, retried: Bool) -> Bool {
        inFlight -= 1
        if retried { return false }
        pending.remove(messageID)
        return true
    }
}
