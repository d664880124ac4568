import ClusterdCore
import Foundation

extension AnalysisLane {
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
                context.noteStoreFailure(error)
            }
        }
        guard !found.isEmpty else { return outcomes }
        do {
            for (slot, outcome) in zip(found, try analyse(found.map(\.message))) { outcomes[slot.index] = outcome }
        } catch {
            context.noteStoreFailure(error)
        }
        return outcomes
    }

    /// The message, or nil with `outcome` set (retry later while it may not be written yet, then failed).
    private func read(_ messageID: String, notFoundRetries: Int, outcome: inout AnalysisOutcome) throws
        -> MessageRecord?
    {
        guard let message = try context.store.message(id: messageID) else {
            context.noteStoreHealthy()
            if notFoundRetries < context.configuration.notFoundRetryDelays.count {
                outcome = .retryLater(context.configuration.notFoundRetryDelays[notFoundRetries])
                return nil
            }
            let reason = "message \(messageID) not found in MongoDB after \(notFoundRetries + 1) attempts"
            let id = RecordID.candidates(for: messageID).last ?? .string(messageID)
            try context.store.recordFailure(messageID: id, conversationID: nil, error: reason, final: true)
            context.recordFailed(reason)
            outcome = .failed
            return nil
        }
        context.noteStoreHealthy()
        return message
    }

    /// Concepts and embeddings for several messages: each attempt is counted before the work, the texts are
    /// embedded in one call, the analyses written in one bulk write. Throws when the store fails.
    func analyse(_ messages: [MessageRecord]) throws -> [AnalysisOutcome] {
        var outcomes = [AnalysisOutcome](repeating: .failed, count: messages.count)
        var work: [(index: Int, attempts: Int, extraction: ConceptExtraction)] = []
        for (index, message) in messages.enumerated() {
            let attempts = try context.store.beginAttempt(messageID: message.id, conversationID: message.conversationID)
            // Attempts count every analysis, so a message triggered again after it was analysed (a backend that
            // delivers "message created" more than once) also passes the limit: it is re-analysed (idempotent),
            // never given up. Only a message with no analysis yet is given up.
            if attempts > context.configuration.maxAttempts, try !context.store.hasAnalysis(messageID: message.id) {
                let reason = "message \(message.id) given up after \(attempts - 1) attempts"
                try context.store.recordFailure(
                    messageID: message.id,
                    conversationID: message.conversationID,
                    error: reason,
                    final: true
                )
                context.recordFailed(reason)
                continue
            }
            let extraction = conceptProvider.extract(message.content)
            work.append((index, attempts, extraction))
        }
        let embeddings = try embed(work.map { (messages[$0.index], $0.attempts) })
        let analyzedAt: Date = context.state.withLock { state in
            state.savesInProgress += 1
            return max(context.now(), state.lastSnapshot.addingTimeInterval(0.001))
        }
        defer { context.state.withLock { $0.savesInProgress -= 1 } }
        var analyses: [MessageAnalysis] = []
        for (item, embedding) in zip(work, embeddings) {
            guard let embedding else { continue }
            let message = messages[item.index]
            let analysis = MessageAnalysis(
                messageID: message.id,
                conversationID: message.conversationID,
                concepts: item.extraction.concepts,
                embedding: embedding,
                embedder: context.embedder.identifier,
                conceptSource: item.extraction.source,
                analyzedAt: analyzedAt,
                topic: item.extraction.topic,
                language: item.extraction.language
            )
            analyses.append(analysis)
            outcomes[item.index] = .analysed
        }
        guard !analyses.isEmpty else { return outcomes }
        try context.store.saveAnalyses(analyses)
        context.state.withLock { state in
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
        if let vectors = try? context.embedder.embed(messages.map(\.message.content)), vectors.count == messages.count {
            return vectors
        }
        var result: [[Float]?] = []
        for (message, attempts) in messages {
            do {
                result.append(try context.embedder.embed([message.content]).first ?? [])
            } catch {
                let reason = "embedding message \(message.id) failed: \(error)"
                let final = attempts >= context.configuration.maxAttempts
                try context.store.recordFailure(
                    messageID: message.id,
                    conversationID: message.conversationID,
                    error: reason,
                    final: final
                )
                context.recordFailed(reason)
                // Not given up: the sweep retries it, and it may sit below the watermark.
                if !final { context.requestFullSweep() }
                result.append(nil)
            }
        }
        return result
    }
}
