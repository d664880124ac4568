extension ServiceState {
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
