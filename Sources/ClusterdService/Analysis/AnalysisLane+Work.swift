import ClusterdCore
import Foundation

extension AnalysisLane {
    /// Reads, claims, analyses and saves a batch of messages: one read of the messages, one of their analyses'
    /// states, one bulk claim, embedding calls of `embeddingBatchSize`, one bulk save (and one bulk write of any
    /// failures). One outcome per id.
    func analyse(_ batch: [(messageID: String, attempt: Int)]) -> [AnalysisOutcome] {
        var outcomes = [AnalysisOutcome](repeating: .storeDown, count: batch.count)
        do {
            let messages = try context.store.messages(idTexts: batch.map(\.messageID))
            context.noteStoreHealthy()
            var found: [(index: Int, message: MessageRecord)] = []
            let delays = context.configuration.notFoundRetryDelays
            for (index, item) in batch.enumerated() {
                if let message = messages[item.messageID] {
                    found.append((index, message))
                } else if item.attempt < delays.count {
                    outcomes[index] = .retryLater(delays[item.attempt])
                } else {
                    let reason = "message \(item.messageID) not found in MongoDB after \(item.attempt + 1) attempts"
                    context.recordUnknown(item.messageID, reason: reason)
                    outcomes[index] = .failed
                }
            }
            guard !found.isEmpty else { return outcomes }
            for (slot, outcome) in zip(found, try analyse(found.map(\.message))) { outcomes[slot.index] = outcome }
        } catch {
            context.noteStoreFailure(error)
        }
        return outcomes
    }

    /// Concepts and embeddings for messages that exist: decides from their stored analyses what to do with each
    /// (`AnalysisClaimRule`: up to date, claimed elsewhere, given up, or analysed), then analyses the rest together,
    /// except suspects (an earlier attempt never finished: a crash, maybe caused by the message itself), which are
    /// analysed one at a time so that a message that crashes the process costs only its own attempts, not those of
    /// a whole batch. Throws when the store fails.
    func analyse(_ messages: [MessageRecord]) throws -> [AnalysisOutcome] {
        var outcomes = [AnalysisOutcome](repeating: .failed, count: messages.count)
        let now = context.now()
        let states = try context.store.analysisStates(messageIDs: messages.map(\.id))
        var batch: [(index: Int, attempt: Int)] = []
        var suspects: [(index: Int, attempt: Int)] = []
        var failures: [AnalysisFailure] = []
        for (index, message) in messages.enumerated() {
            let state = states[message.id]
            switch claimRule.decide(state, now: now) {
            case .upToDate:
                outcomes[index] = .upToDate
            case .claimedElsewhere:
                outcomes[index] = .claimedElsewhere
            case .giveUp(let attempts):
                let reason = "message \(message.id) given up after \(attempts) attempts"
                failures.append(
                    AnalysisFailure(
                        messageID: message.id,
                        conversationID: message.conversationID,
                        reason: reason,
                        final: true
                    )
                )
            case .analyse(let attempt):
                // Attempted before and never analysed: an attempt that failed or never finished.
                let unfinished = state.map { !$0.isAnalysed && $0.attempts > 0 } ?? false
                if unfinished { suspects.append((index, attempt)) } else { batch.append((index, attempt)) }
            }
        }
        try record(failures)
        for group in [batch] + suspects.map({ [$0] }) where !group.isEmpty {
            for (index, outcome) in try analyse(group, of: messages, states: states) { outcomes[index] = outcome }
        }
        return outcomes
    }

    /// Claims the messages at `group`'s indexes (an attempt counted on each before the work), embeds their texts and
    /// saves the analyses in one bulk write; the outcome of each index.
    private func analyse(
        _ group: [(index: Int, attempt: Int)],
        of messages: [MessageRecord],
        states: [RecordID: AnalysisState]
    ) throws -> [(Int, AnalysisOutcome)] {
        let rule = claimRule
        let now = context.now()
        let claimed = try context.store.claimAnalyses(
            group.map { messages[$0.index].id },
            states: states,
            owner: rule.owner,
            expiresAt: now.addingTimeInterval(context.configuration.claimLeaseSeconds)
        )
        var outcomes: [(Int, AnalysisOutcome)] = []
        var claimedItems: [(index: Int, attempt: Int)] = []
        for item in group {
            guard claimed.contains(messages[item.index].id) else {
                outcomes.append((item.index, .claimedElsewhere))
                continue
            }
            claimedItems.append(item)
        }
        guard !claimedItems.isEmpty else { return outcomes }
        context.state.withLock { $0.liveClaims += claimedItems.count }
        defer { context.state.withLock { $0.liveClaims -= claimedItems.count } }
        // The compute (concepts, embeddings) holds one of `analysisWorkers` permits; the lane runs one operation
        // more than that, so one batch's store round trips overlap the others' embedding instead of idling a core.
        let (work, embeddings) = try computing {
            let work = claimedItems.map { item in
                (
                    index: item.index, attempt: item.attempt,
                    extraction: conceptProvider.extract(messages[item.index].content)
                )
            }
            return (work, try embed(work.map { (messages[$0.index], $0.attempt) }))
        }
        let analyzedAt: Date = context.state.withLock { state in
            state.savesInProgress += 1
            return max(context.now(), state.lastSnapshot.addingTimeInterval(0.001))
        }
        defer { context.state.withLock { $0.savesInProgress -= 1 } }
        var analyses: [MessageAnalysis] = []
        var previous: [AnalysisState?] = []
        for (item, embedding) in zip(work, embeddings) {
            let message = messages[item.index]
            guard let embedding else {
                outcomes.append((item.index, .failed))
                continue
            }
            analyses.append(
                MessageAnalysis(
                    messageID: message.id,
                    conversationID: message.conversationID,
                    concepts: item.extraction.concepts,
                    embedding: embedding,
                    embedder: rule.embedder,
                    conceptSource: item.extraction.source,
                    analyzedAt: analyzedAt,
                    topic: item.extraction.topic,
                    language: item.extraction.language,
                    promptVersion: item.extraction.promptVersion
                )
            )
            previous.append(states[message.id])
            outcomes.append((item.index, .analysed))
        }
        guard !analyses.isEmpty else { return outcomes }
        // Claude's concepts come later, from the backlog: the analysis never waits for them. Queued before the save,
        // so no saved analysis misses its entry.
        try backlog?.enqueue(analyses)
        try context.store.saveAnalyses(analyses)
        context.state.withLock { state in state.count(analysed: previous, embedder: rule.embedder) }
        do {
            try context.placer.place(analyses, context: context)
        } catch {
            context.logger.warning("Provisional placement of \(analyses.count) analysed message(s) failed: \(error)")
        }
        return outcomes
    }

    /// Runs `body` holding one of the compute permits.
    private func computing<R>(_ body: () throws -> R) rethrows -> R {
        computePermits.wait()
        defer { computePermits.signal() }
        return try body()
    }

    /// Records failures in one bulk write (nothing for none), each logged and counted.
    private func record(_ failures: [AnalysisFailure]) throws {
        guard !failures.isEmpty else { return }
        try context.store.recordFailures(failures)
        for failure in failures { context.recordFailed(failure.reason) }
    }

    /// The embeddings of the messages' texts in calls of `embeddingBatchSize`; when a call fails, each of its texts
    /// alone, so one bad text fails only its own message (recorded, final on its last attempt) and yields nil.
    private func embed(_ messages: [(message: MessageRecord, attempt: Int)]) throws -> [[Float]?] {
        var result: [[Float]?] = []
        result.reserveCapacity(messages.count)
        let size = max(1, context.configuration.embeddingBatchSize)
        var start = 0
        while start < messages.count {
            let chunk = messages[start..<min(messages.count, start + size)]
            start += chunk.count
            let texts = chunk.map(\.message.content)
            if let vectors = try? context.embedder.embed(texts), vectors.count == chunk.count {
                result.append(contentsOf: vectors.map { Optional($0) })
            } else {
                result.append(contentsOf: try embedOneByOne(chunk))
            }
        }
        return result
    }

    /// Each text of a chunk whose batch call failed, alone; failures recorded in one bulk write.
    private func embedOneByOne(_ chunk: ArraySlice<(message: MessageRecord, attempt: Int)>) throws -> [[Float]?] {
        var result: [[Float]?] = []
        var failures: [AnalysisFailure] = []
        for (message, attempt) in chunk {
            do {
                result.append(try context.embedder.embed([message.content]).first ?? [])
            } catch {
                let final = attempt >= context.configuration.maxAttempts
                failures.append(
                    AnalysisFailure(
                        messageID: message.id,
                        conversationID: message.conversationID,
                        reason: "embedding message \(message.id) failed: \(error)",
                        final: final
                    )
                )
                // Not given up: the sweep retries it, and it may be behind the sweep's position.
                if !final { context.requestFullSweep() }
                result.append(nil)
            }
        }
        try record(failures)
        return result
    }
}
