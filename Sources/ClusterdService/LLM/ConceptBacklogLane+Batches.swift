import ClusterdCore
import ClusterdLLM
import Foundation

extension ConceptBacklogLane {
    /// Requests per message batch.
    static let requestsPerBatch = 50
    /// Seconds between two polls of a batch in flight.
    static let pollSeconds = 10.0
    /// How long a batch's entries stay claimed, seconds.
    static let batchClaimSeconds = 3_600.0

    /// With `CLUSTERD_LLM_BATCH_API=auto`: polls the batch in flight (applying its results once it ended), or, when
    /// the backlog is at least `batchAPIMinBacklog` and no batch is in flight, submits its oldest entries as one
    /// batch. A missing endpoint (404) turns the API off for this process, any other failure for ten minutes; the
    /// entries go back to the normal requests at once.
    func stepBatches() throws {
        let configuration = batcher.client.configuration
        guard configuration.batchAPI == .auto else { return }
        let now = context.now()
        defer { progress.withLock { $0.batchAPI = batches.withLock { $0.label(now: context.now()) } } }
        if let flight = batches.withLock({ $0.inFlight }) {
            guard now >= flight.nextPoll else { return }
            try poll(flight, now: now)
            return
        }
        let backlog = progress.withLock { $0.backlog }
        guard backlog >= configuration.batchAPIMinBacklog, batches.withLock({ $0.maySubmit(now: now) }) else { return }
        try submit(now: now)
    }

    /// Claims the oldest entries, reads their texts and submits them as one batch.
    private func submit(now: Date) throws {
        let configuration = batcher.client.configuration
        let owner = context.configuration.instanceID
        // A token of its own: if this claim's write times out after it landed, the next claim takes the entries
        // back at once instead of an hour later.
        let token = "batch-" + UUID().uuidString.lowercased()
        let entries = try context.store.claimConceptBacklog(
            limit: Self.requestsPerBatch * configuration.conceptBatchItems,
            owner: owner,
            token: token,
            liveTokens: liveTokens(),
            now: now,
            expiresAt: now.addingTimeInterval(Self.batchClaimSeconds),
            oldestFirst: true
        )
        guard !entries.isEmpty else { return }
        let texts = try context.store.messages(idTexts: entries.map(\.messageID.description))
        var items: [(id: RecordID, text: String, attempts: Int)] = []
        var gone: [RecordID] = []
        for entry in entries {
            if let message = texts[entry.messageID.description] {
                items.append((entry.messageID, message.content, entry.attempts))
            } else {
                gone.append(entry.messageID)
            }
        }
        try context.store.finishConceptBacklog(gone, owner: owner)
        let planned = batcher.plan(Self.items(items))
        var chunks: [[(id: RecordID, text: String, attempts: Int)]] = []
        var start = 0
        for plan in planned {
            chunks.append(Array(items[start..<start + plan.count]))
            start += plan.count
        }
        let requests = chunks.enumerated().map { index, chunk in
            (customID: "c\(index)", request: batcher.request(for: Self.items(chunk)))
        }
        do {
            let batch = try batcher.client.createBatch(requests)
            batches.withLock {
                $0.inFlight = .init(
                    id: batch.id,
                    token: token,
                    chunks: chunks,
                    nextPoll: now.addingTimeInterval(Self.pollSeconds)
                )
            }
            context.logger.info(
                "Sent \(items.count) message(s) in \(chunks.count) request(s) as message batch \(batch.id)"
            )
        } catch {
            try giveUp(chunks, after: error, now: now)
        }
    }

    /// Polls the batch in flight; applies its results once it has ended.
    private func poll(_ flight: MessageBatchState.InFlight, now: Date) throws {
        let client = batcher.client
        do {
            let batch = try client.batch(id: flight.id)
            guard batch.ended else {
                batches.withLock { $0.inFlight?.nextPoll = now.addingTimeInterval(Self.pollSeconds) }
                return
            }
            let results = try client.batchResults(of: batch)
            batches.withLock { $0.inFlight = nil }
            var failed: [RecordID] = []
            for (index, chunk) in flight.chunks.enumerated() {
                guard let response = results["c\(index)"] else {
                    failed.append(contentsOf: chunk.map(\.id))
                    continue
                }
                try apply(batcher.result(of: response, for: Self.items(chunk)), to: chunk)
            }
            try context.store.releaseConceptBacklog(
                failed,
                owner: context.configuration.instanceID,
                at: now,
                countAttempt: true
            )
        } catch let error as LLMError {
            let failures = flight.failedPolls + 1
            guard error.code == .notFound || failures >= 3 else {
                batches.withLock {
                    $0.inFlight?.failedPolls = failures
                    $0.inFlight?.nextPoll = now.addingTimeInterval(Self.pollSeconds)
                }
                return
            }
            batches.withLock { $0.inFlight = nil }
            try giveUp(flight.chunks, after: error, now: now)
        }
    }

    /// The batches API failed: its entries go back, claimable at once, and the API rests (for good after a 404).
    private func giveUp(
        _ chunks: [[(id: RecordID, text: String, attempts: Int)]],
        after error: any Error,
        now: Date
    ) throws {
        let missing = (error as? LLMError)?.code == .notFound
        batches.withLock {
            $0.unavailableUntil = missing ? Date.distantFuture : now.addingTimeInterval(600)
        }
        context.logger.warning(
            "Message Batches API \(missing ? "not available (404)" : "failed"): \(error); using normal requests"
        )
        try context.store.releaseConceptBacklog(
            chunks.flatMap { $0.map(\.id) },
            owner: context.configuration.instanceID,
            at: now,
            countAttempt: false
        )
    }

    /// A chunk's prompt items, ids by position.
    static func items(_ chunk: [(id: RecordID, text: String, attempts: Int)]) -> [ConceptBatchPrompt.Item] {
        chunk.enumerated().map { ConceptBatchPrompt.Item(id: String($0.offset), text: $0.element.text) }
    }
}
