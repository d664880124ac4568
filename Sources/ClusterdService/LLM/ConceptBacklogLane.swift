import ClusterdCore
import ClusterdLLM
import Foundation
import Synchronization

/// The concept backlog lane: replaces the local concepts the analysis lane wrote with Claude's, from the persisted
/// backlog (`concept_backlog`), newest first, as the rate limit (less the naming reserve) and the daily budget
/// allow. Analysis never waits for it.
///
/// On a thread of its own (`clusterd.concepts`): claim a few batches' worth of entries (owner and expiry, so
/// replicas share the backlog), read their texts, send them in token-sized batched requests
/// (``ClaudeConceptBatcher``) once the governor has a background slot, write the valid items over the analyses
/// (`concept_source` claude) and drop their entries; a missing or invalid item goes back with a growing delay and
/// is tried again later, never left local for good. With `CLUSTERD_LLM_BATCH_API=auto` a large backlog is also
/// sent through the Message Batches API (`+Batches`).
final class ConceptBacklogLane: Sendable {
    let context: ServiceContext
    let batcher: ClaudeConceptBatcher
    /// Status numbers, read by the LLM keeper's report.
    let progress = Mutex(ConceptBacklogProgress())
    /// Claimed entries whose texts are read, waiting for a request: (message id, text, attempts).
    let buffer = Mutex<[(id: RecordID, text: String, attempts: Int)]>([])
    /// The Message Batches API's state on this process.
    let batches = Mutex(MessageBatchState())
    /// Signalled by new entries and by `stop()`: the thread's pause ends at once.
    private let wake = DispatchSemaphore(value: 0)
    /// The claim token of this process's normal-request claims (a message batch's claims carry their own).
    let bufferToken = "buffer-" + UUID().uuidString.lowercased()
    /// When the backlog's size was last read from MongoDB (uptime seconds).
    private let countedAt = Mutex<Double>(-1e9)

    /// How long a claim lasts before another replica may take the entry, seconds.
    static let claimSeconds = 300.0
    /// Longest pause between two looks at the backlog, seconds.
    static let idleSeconds = 2.0

    /// The lane's own thread.
    private let thread = LaneThread(name: "clusterd.concepts")

    init(context: ServiceContext, batcher: ClaudeConceptBatcher) {
        self.context = context
        self.batcher = batcher
        let mode = batcher.client.configuration.batchAPI
        progress.withLock { $0.batchAPI = mode == .auto ? "idle" : "off" }
    }

    /// Starts the lane's thread (once).
    func start() {
        thread.start { [self] in loop() }
    }

    /// How long after it is queued an entry becomes claimable, seconds: the analysis lane queues a message before
    /// it saves its analysis (so no saved analysis lacks its entry, even after a crash between the two writes), and
    /// the entry waits for that save.
    static let settleSeconds = 5.0

    /// Puts messages about to be saved with local concepts on the backlog, claimable after `settleSeconds`, and
    /// wakes the lane. Analysis lane, before the save; throws the store's error. (An entry whose analysis is never
    /// saved is dropped when its turn comes: the upgrade writes only over an existing analysis.)
    func enqueue(_ analyses: [MessageAnalysis]) throws {
        let local = analyses.filter { $0.conceptSource != ConceptExtraction.claudeSource }
        guard !local.isEmpty else { return }
        try context.store.enqueueConceptBacklog(
            local.map { ($0.messageID, $0.analyzedAt) },
            availableAt: context.now().addingTimeInterval(Self.settleSeconds)
        )
        progress.withLock { $0.backlog += local.count }
        wake.signal()
    }

    /// Ends the lane's pause and waits (at most `seconds`) for its thread, then gives back what it had claimed but
    /// not sent, so another replica (or the next start) takes it at once.
    func stop(within seconds: Double) {
        wake.signal()
        thread.waitUntilStopped(within: seconds)
        let left = buffer.withLock { buffer in
            defer { buffer = [] }
            return buffer.map(\.id)
        }
        try? context.store.releaseConceptBacklog(
            left,
            owner: context.configuration.instanceID,
            at: context.now(),
            countAttempt: false
        )
    }

    private var stopping: Bool { context.state.read { $0.stopping } }

    /// The thread's loop: a step, or a pause when there is nothing to do or no capacity.
    private func loop() {
        while !stopping {
            let pause: Double
            do {
                pause = try step()
            } catch {
                context.noteStoreFailure(error)
                pause = Self.idleSeconds
            }
            if pause > 0 { _ = wake.wait(timeout: .now() + min(pause, Self.idleSeconds)) }
        }
    }

    /// One step: refresh the count, maybe a message batch, then one request when a slot is free. Returns how long
    /// to pause before the next (0: go on).
    func step() throws -> Double {
        refreshCount()
        let governor = batcher.client.governor
        // Circuit open or the day's budget used up: wait. (A request whose estimate does not fit what is left is
        // refused by the governor, which shows "over budget", and its entries go back for later.)
        guard governor.mayCall(estimatedTokens: 1) else { return Self.idleSeconds }
        try stepBatches()
        if buffer.withLock({ $0.isEmpty }) {
            guard try fill() else { return Self.idleSeconds }
        }
        let delay = governor.backgroundDelay()
        if delay > 0 { return delay }
        try sendNext()
        return 0
    }

    /// Reads the backlog's size from MongoDB at most every 5 seconds (every 30 past 10,000 entries: a count costs
    /// the embedded server a pass over the collection); between reads the lane keeps it up to date itself.
    private func refreshCount() {
        let uptime = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        let every = progress.withLock { $0.backlog } > 10_000 ? 30.0 : 5.0
        guard countedAt.withLock({ uptime - $0 >= every }) else { return }
        countedAt.withLock { $0 = uptime }
        if let count = try? context.store.conceptBacklogCount() {
            progress.withLock { $0.backlog = count }
        }
    }

    /// Claims about two requests' worth of entries and reads their texts into the buffer; entries whose message is
    /// gone are dropped. False when nothing was claimable.
    func fill() throws -> Bool {
        let configuration = batcher.client.configuration
        let now = context.now()
        let entries = try context.store.claimConceptBacklog(
            limit: 2 * configuration.conceptBatchItems,
            owner: context.configuration.instanceID,
            token: bufferToken,
            liveTokens: liveTokens(),
            now: now,
            expiresAt: now.addingTimeInterval(Self.claimSeconds),
            oldestFirst: false
        )
        guard !entries.isEmpty else { return false }
        progress.withLock { $0.began(now: now) }
        let texts = try context.store.messages(idTexts: entries.map(\.messageID.description))
        var gone: [RecordID] = []
        var items: [(id: RecordID, text: String, attempts: Int)] = []
        for entry in entries {
            if let message = texts[entry.messageID.description] {
                items.append((entry.messageID, message.content, entry.attempts))
            } else {
                gone.append(entry.messageID)
            }
        }
        try context.store.finishConceptBacklog(gone, owner: context.configuration.instanceID)
        buffer.withLock { $0.append(contentsOf: items) }
        return true
    }

    /// The claim tokens something of this process still works under: the buffer's, and the batch in flight's.
    func liveTokens() -> [String] {
        [bufferToken] + (batches.withLock { $0.inFlight?.token }.map { [$0] } ?? [])
    }

    /// Sends the buffer's first planned batch and applies the reply.
    private func sendNext() throws {
        let chunk: [(id: RecordID, text: String, attempts: Int)] = buffer.withLock { buffer in
            let count = batcher.plan(Self.items(buffer)).first?.count ?? 0
            defer { buffer.removeFirst(count) }
            return Array(buffer.prefix(count))
        }
        guard !chunk.isEmpty else { return }
        do {
            let result = try batcher.extract(Self.items(chunk))
            try apply(result, to: chunk)
        } catch let error as LLMError {
            // No answer at all: nothing was wrong with the items; they go back, claimable again soon.
            let retry = error.code == .rateLimited || error.code == .rateLimiterTimeout ? 5.0 : 30.0
            try context.store.releaseConceptBacklog(
                chunk.map(\.id),
                owner: context.configuration.instanceID,
                at: context.now().addingTimeInterval(retry),
                countAttempt: false
            )
        }
    }

    /// Writes the valid items of a reply (keyed by position in `chunk`) over their analyses and drops their entries;
    /// the others go back with a delay growing with their failed tries.
    func apply(_ result: ConceptBatchResult, to chunk: [(id: RecordID, text: String, attempts: Int)]) throws {
        let owner = context.configuration.instanceID
        var upgrades: [(messageID: RecordID, extraction: ConceptExtraction)] = []
        for (offset, entry) in chunk.enumerated() {
            if let extraction = result.extractions[String(offset)] { upgrades.append((entry.id, extraction)) }
        }
        try context.store.upgradeConcepts(upgrades)
        try context.store.finishConceptBacklog(upgrades.map(\.messageID), owner: owner)
        let now = context.now()
        for offset in result.missing.compactMap(Int.init) where chunk.indices.contains(offset) {
            let entry = chunk[offset]
            try context.store.releaseConceptBacklog(
                [entry.id],
                owner: owner,
                at: now.addingTimeInterval(Self.retryDelay(afterFailures: entry.attempts + 1)),
                countAttempt: true
            )
        }
        progress.withLock { progress in
            progress.record(upgraded: upgrades.count, tokens: result.usage.total, now: now)
            progress.backlog = max(0, progress.backlog - upgrades.count)
        }
    }

    /// The pause before a message whose item failed `failures` times is tried again: 30 s doubling, at most an hour.
    static func retryDelay(afterFailures failures: Int) -> Double {
        min(3_600, 30 * pow(2, Double(max(0, failures - 1))))
    }
}
