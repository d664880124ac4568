import ClusterdCore
import Foundation

extension BackgroundClusteringService {
    /// Puts one analysis on the analysis lane (the id is already in `pending`).
    ///
    /// Micro-batching: the id joins `analysisBacklog` and one operation is added per id; each operation that runs
    /// takes every waiting id, up to `embeddingBatchSize`, and embeds their texts in one call (an operation that
    /// finds the backlog empty, its id taken by an earlier one, does nothing). A message is never held back to
    /// wait for company: with a short queue it runs alone at once, and batches form only while the workers are
    /// busy. Batches are not sorted by length: the native embedder packs texts without padding, so mixing lengths
    /// costs nothing.
    func enqueueAnalysis(_ messageID: String, attempt: Int) {
        state.withLock { $0.analysisBacklog.append((messageID, attempt)) }
        analysisQueue.addOperation { [self] in
            let batch = state.withLock { $0.takeAnalysisBatch(limit: configuration.embeddingBatchSize) }
            guard !batch.isEmpty else { return }
            let outcomes = analyseMeasured(batch)
            var analysed = false
            for (item, outcome) in zip(batch, outcomes) {
                let finished = state.withLock { $0.finishAnalysis(item.messageID, retried: outcome.isRetry) }
                switch outcome {
                case .retryLater(let delay):
                    DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + delay) { [self] in
                        if state.read({ $0.stopping }) {
                            _ = state.withLock { $0.pending.remove(item.messageID) }
                            return
                        }
                        enqueueAnalysis(item.messageID, attempt: item.attempt + 1)
                    }
                case .analysed:
                    if finished { analysed = true }
                case .failed, .storeDown:
                    break
                }
            }
            if analysed { checkTriggers() }
        }
    }

    enum AnalysisOutcome {
        case analysed
        case retryLater(Double)
        case failed
        case storeDown

        /// Retried later (the id stays pending).
        var isRetry: Bool {
            if case .retryLater = self { return true }
            return false
        }

        /// The `result` label it is counted under.
        var metricResult: ServiceMetrics.AnalysisResult {
            switch self {
            case .analysed: return .success
            case .retryLater: return .retry
            case .failed: return .failure
            case .storeDown: return .storeUnavailable
            }
        }
    }

    /// `analyse(_:)` on a batch, counted in the metrics: each message's outcome, and the batch's wall time as each
    /// message's analysis time (what a message waited for once its batch started).
    func analyseMeasured(_ batch: [(messageID: String, attempt: Int)]) -> [AnalysisOutcome] {
        let started = DispatchTime.now().uptimeNanoseconds
        let outcomes = analyse(batch)
        let elapsed = Int64(clamping: DispatchTime.now().uptimeNanoseconds - started)
        for outcome in outcomes { metrics.recordAnalysis(outcome.metricResult, nanoseconds: elapsed) }
        // A message MongoDB's unavailability left unanalysed may sit below the sweep's watermark.
        if outcomes.contains(where: { if case .storeDown = $0 { true } else { false } }) { requestFullSweep() }
        return outcomes
    }

    /// One message through `analyseMeasured(_:)`.
    func analyseMeasured(_ messageID: String, notFoundRetries: Int) -> AnalysisOutcome {
        analyseMeasured([(messageID, notFoundRetries)])[0]
    }

    /// Reads, analyses and saves one message. Blocking: runs on the analysis lane only.
    func analyse(_ messageID: String, notFoundRetries: Int) -> AnalysisOutcome {
        analyse([(messageID, notFoundRetries)])[0]
    }

    /// Reads, analyses and saves a batch of messages (one embedding call, one bulk write); one outcome per id.
    func analyse(_ batch: [(messageID: String, attempt: Int)]) -> [AnalysisOutcome] {
        var outcomes = [AnalysisOutcome](repeating: .storeDown, count: batch.count)
        var found: [(index: Int, message: MessageRecord)] = []
        for (index, item) in batch.enumerated() {
            do {
                if let message = try read(item.messageID, notFoundRetries: item.attempt, outcome: &outcomes[index]) {
                    found.append((index, message))
                }
            } catch {
                noteStoreFailure(error)
            }
        }
        guard !found.isEmpty else { return outcomes }
        do {
            for (slot, outcome) in zip(found, try analyse(found.map(\.message))) { outcomes[slot.index] = outcome }
        } catch {
            noteStoreFailure(error)
        }
        return outcomes
    }

    /// The message, or nil with `outcome` set (retry later while it may not be written yet, then failed).
    private func read(_ messageID: String, notFoundRetries: Int, outcome: inout AnalysisOutcome) throws
        -> MessageRecord?
    {
        guard let message = try store.message(id: messageID) else {
            noteStoreHealthy()
            if notFoundRetries < configuration.notFoundRetryDelays.count {
                outcome = .retryLater(configuration.notFoundRetryDelays[notFoundRetries])
                return nil
            }
            let reason = "message \(messageID) not found in MongoDB after \(notFoundRetries + 1) attempts"
            let id = RecordID.candidates(for: messageID).last ?? .string(messageID)
            try store.recordFailure(messageID: id, conversationID: nil, error: reason, final: true)
            recordFailed(reason)
            outcome = .failed
            return nil
        }
        noteStoreHealthy()
        return message
    }

    /// Concepts and embedding for one message; the attempt is counted before the work.
    func analyse(_ message: MessageRecord) throws -> AnalysisOutcome {
        try analyse([message])[0]
    }

    /// Concepts and embeddings for several messages: each attempt is counted before the work, the texts are
    /// embedded in one call, the analyses written in one bulk write. Throws when the store fails.
    func analyse(_ messages: [MessageRecord]) throws -> [AnalysisOutcome] {
        var outcomes = [AnalysisOutcome](repeating: .failed, count: messages.count)
        var work: [(index: Int, attempts: Int, extraction: ConceptExtraction)] = []
        for (index, message) in messages.enumerated() {
            let attempts = try store.beginAttempt(messageID: message.id, conversationID: message.conversationID)
            // Attempts count every analysis, so a message triggered again after it was analysed (a backend that
            // delivers "message created" more than once) also passes the limit: it is re-analysed (idempotent),
            // never given up. Only a message with no analysis yet is given up.
            if attempts > configuration.maxAttempts, try !store.hasAnalysis(messageID: message.id) {
                let reason = "message \(message.id) given up after \(attempts - 1) attempts"
                try store.recordFailure(
                    messageID: message.id,
                    conversationID: message.conversationID,
                    error: reason,
                    final: true
                )
                recordFailed(reason)
                continue
            }
            let extraction = conceptProvider.extract(message.content)
            work.append((index, attempts, extraction))
        }
        let embeddings = try embed(work.map { (messages[$0.index], $0.attempts) })
        let analyzedAt: Date = state.withLock { state in
            state.savesInProgress += 1
            return max(now(), state.lastSnapshot.addingTimeInterval(0.001))
        }
        defer { state.withLock { $0.savesInProgress -= 1 } }
        var analyses: [MessageAnalysis] = []
        for (item, embedding) in zip(work, embeddings) {
            guard let embedding else { continue }
            let message = messages[item.index]
            let analysis = MessageAnalysis(
                messageID: message.id,
                conversationID: message.conversationID,
                concepts: item.extraction.concepts,
                embedding: embedding,
                embedder: embedder.identifier,
                conceptSource: item.extraction.source,
                analyzedAt: analyzedAt,
                topic: item.extraction.topic,
                language: item.extraction.language
            )
            analyses.append(analysis)
            outcomes[item.index] = .analysed
        }
        guard !analyses.isEmpty else { return outcomes }
        try store.saveAnalyses(analyses)
        state.withLock { state in
            state.analyzedTotal += analyses.count
            state.unprocessed += analyses.count
            state.newSinceLastAttempt += analyses.count
        }
        return outcomes
    }

    /// The embeddings of the messages' texts in one call; when that call fails, each text alone, so one bad text
    /// fails only its own message (recorded, final on its last attempt) and yields nil.
    private func embed(_ messages: [(message: MessageRecord, attempts: Int)]) throws -> [[Float]?] {
        guard !messages.isEmpty else { return [] }
        if let vectors = try? embedder.embed(messages.map(\.message.content)), vectors.count == messages.count {
            return vectors
        }
        var result: [[Float]?] = []
        for (message, attempts) in messages {
            do {
                result.append(try embedder.embed([message.content]).first ?? [])
            } catch {
                let reason = "embedding message \(message.id) failed: \(error)"
                let final = attempts >= configuration.maxAttempts
                try store.recordFailure(
                    messageID: message.id,
                    conversationID: message.conversationID,
                    error: reason,
                    final: final
                )
                recordFailed(reason)
                // Not given up: the sweep retries it, and it may sit below the watermark.
                if !final { requestFullSweep() }
                result.append(nil)
            }
        }
        return result
    }

    func recordFailed(_ reason: String) {
        logger.warning("\(reason)")
        state.withLock { state in
            state.failedTotal += 1
            state.lastError = reason
        }
    }
}
