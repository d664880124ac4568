import ClusterdCore

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
        sweep.finished(messageID)
        return true
    }
}

extension ServiceState {
    /// Counts saved analyses once per message: `previous` holds what each message had before (nil: nothing).
    /// `analyzedTotal` counts messages with an analysis by `embedder` (a stale one redone moves from `staleAnalyses`
    /// to it); `unprocessed` and `newSinceLastAttempt` count messages analysed anew since the last snapshot.
    mutating func count(analysed previous: [AnalysisState?], embedder: String) {
        for state in previous {
            let current = state.map { $0.isAnalysed && $0.embedder == embedder } ?? false
            if !current {
                analyzedTotal += 1
                if state?.isAnalysed == true { staleAnalyses = max(0, staleAnalyses - 1) }
            }
            let counted = current && (state?.analyzedAt ?? .distantPast) > lastSnapshot
            if !counted {
                unprocessed += 1
                newSinceLastAttempt += 1
            }
        }
    }
}
