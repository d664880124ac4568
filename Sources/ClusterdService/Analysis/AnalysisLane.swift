import ClusterdCore
import Foundation
import Synchronization

/// The analysis lane: the bounded queue of triggered messages (the `pending` set and the backlog in the shared
/// state), micro-batched onto `analysisWorkers` threads, with the retries of messages not found yet.
///
/// Admission is decided under the state lock by `ServiceState.admit(messageID:enabled:queueCapacity:)`; this lane
/// carries the decision out. Every store and embedder call runs on `queue` (utility QoS, off the cooperative pool).
final class AnalysisLane: Sendable {
    let context: ServiceContext
    /// Where concepts come from.
    let conceptProvider: any ConceptProvider
    /// Prompt versions of Claude's concepts an analysis may carry and still be up to date.
    let upgradedPromptVersions: Set<String>
    /// The concept backlog that saved analyses with local concepts go on; nil without Claude.
    let backlog: ConceptBacklogLane?
    /// `analysisWorkers` + 1 wide; suspended until start-up has loaded the counters from MongoDB.
    let queue: OperationQueue
    /// `analysisWorkers` permits: concept extraction and embedding run under one, so at most that many compute at
    /// once while the extra operation does store round trips.
    let computePermits: DispatchSemaphore
    /// Run after a batch analysed at least one message (the clustering lane checks its trigger rules).
    private let afterAnalysed = Mutex<@Sendable () -> Void>({})
    /// Run after every batch (the sweep goes on with its pass when the queue has room).
    private let afterBatch = Mutex<@Sendable () -> Void>({})

    init(
        context: ServiceContext,
        conceptProvider: any ConceptProvider,
        upgradedPromptVersions: Set<String> = [],
        backlog: ConceptBacklogLane? = nil
    ) {
        self.context = context
        self.conceptProvider = conceptProvider
        self.upgradedPromptVersions = upgradedPromptVersions
        self.backlog = backlog
        queue = OperationQueue()
        queue.name = "clusterd.analysis"
        // One more than the compute permits: that operation reads, claims and saves while the others embed.
        queue.maxConcurrentOperationCount = context.configuration.analysisWorkers + 1
        computePermits = DispatchSemaphore(value: context.configuration.analysisWorkers)
        // Not default QoS: on Linux a default-QoS queue's operations run on the same libdispatch threads as Swift
        // concurrency's cooperative pool, and analyses block in MongoDB and the embedder.
        queue.qualityOfService = .utility
        // Held until start-up has loaded the counters from MongoDB, so no analysis races that load.
        queue.isSuspended = true
    }

    /// Sets what runs after a batch analysed at least one message.
    func whenAnalysed(_ body: @escaping @Sendable () -> Void) {
        afterAnalysed.withLock { $0 = body }
    }

    /// What decides whether a message is analysed: the current embedder and prompt version, this process's claims.
    var claimRule: AnalysisClaimRule {
        var rule = AnalysisClaimRule(
            embedder: context.embedder.identifier,
            promptVersion: conceptProvider.promptVersion,
            owner: context.configuration.instanceID,
            maxAttempts: context.configuration.maxAttempts
        )
        rule.upgradedPromptVersions = upgradedPromptVersions
        return rule
    }

    /// Sets what runs after every batch.
    func afterEachBatch(_ body: @escaping @Sendable () -> Void) {
        afterBatch.withLock { $0 = body }
    }

    /// Messages waiting for analysis or being analysed.
    var queueDepth: Int { context.state.read { $0.pending.count } }

    /// Decides a trigger with the configured switch and capacity. Call with the state lock held.
    func admit(_ messageID: String, in state: inout ServiceState) -> TriggerAdmission {
        state.admit(
            messageID: messageID,
            enabled: context.configuration.trigger.enabled,
            queueCapacity: context.configuration.queueCapacity
        )
    }

    /// Logs, enqueues and answers an admission decision (outside the lock).
    func act(on decision: TriggerAdmission, messageID: String) throws(ServiceError) -> TriggerResult {
        let capacity = context.configuration.queueCapacity
        switch decision {
        case .stopping:
            throw ServiceError(.stopping, "the server is shutting down; the message will be found by the sweep")
        case .recorded:
            context.logger.info(
                "Triggered background analysis for message \(messageID) (background clustering disabled)"
            )
            return TriggerResult(outcome: .recorded, queueDepth: queueDepth)
        case .already:
            return TriggerResult(outcome: .alreadyQueued, queueDepth: queueDepth)
        case .refused(let depth):
            throw ServiceError(
                .queueFull,
                "analysis queue is full (\(depth) of \(capacity)); the sweep will analyse it later"
            )
        case .queued(let depth):
            context.logger.info("Triggered background analysis for message \(messageID)")
            enqueue(messageID, attempt: 0)
            return TriggerResult(outcome: .queued, queueDepth: depth)
        }
    }

    /// Puts one analysis on the lane (the id is already in `pending`).
    ///
    /// Micro-batching: the id joins `analysisBacklog`, and while fewer than `analysisWorkers` operations are draining
    /// the backlog one more is added. Each draining operation takes every waiting id, up to `ingestBatchSize`, reads,
    /// claims and saves them in one round trip each and embeds their texts in calls of `embeddingBatchSize`, and
    /// repeats until the backlog is empty. A message is never held back to wait for company: with a short queue it
    /// runs alone at once, and batches form only while the workers are busy. Batches are not sorted by length: the
    /// native embedder packs texts without padding, so mixing lengths costs nothing.
    func enqueue(_ messageID: String, attempt: Int) {
        let workers = context.configuration.analysisWorkers + 1
        let start = context.state.withLock { state in
            state.analysisBacklog.append((messageID, attempt))
            guard state.drainingOperations < workers else { return false }
            state.drainingOperations += 1
            return true
        }
        if start { queue.addOperation { [self] in drainBacklog() } }
    }

    /// Analyses batches off the backlog until it is empty or the service is stopping.
    private func drainBacklog() {
        let state = context.state
        let limit = context.configuration.ingestBatchSize
        while true {
            let batch = state.withLock { state in
                guard !state.stopping, !state.analysisBacklog.isEmpty else {
                    state.drainingOperations -= 1
                    return [(messageID: String, attempt: Int)]()
                }
                return state.takeAnalysisBatch(limit: limit)
            }
            guard !batch.isEmpty else { return }
            let outcomes = analyseMeasured(batch)
            let analysed = state.withLock { state in
                var analysed = false
                for (item, outcome) in zip(batch, outcomes) {
                    let finished = state.finishAnalysis(item.messageID, retried: outcome.isRetry)
                    if finished, outcome == .analysed { analysed = true }
                }
                return analysed
            }
            for (item, outcome) in zip(batch, outcomes) {
                if case .retryLater(let delay) = outcome { retry(item, after: delay) }
            }
            if analysed { afterAnalysed.withLock { $0 }() }
            afterBatch.withLock { $0 }()
        }
    }

    /// A message not found yet goes back on the lane after `delay` (dropped when the service is stopping).
    private func retry(_ item: (messageID: String, attempt: Int), after delay: Double) {
        DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + delay) { [self] in
            if context.state.read({ $0.stopping }) {
                _ = context.state.withLock { $0.pending.remove(item.messageID) }
                return
            }
            enqueue(item.messageID, attempt: item.attempt + 1)
        }
    }

    /// `analyse(_:)` on a batch, counted in the metrics: each message's outcome, and the batch's wall time as each
    /// message's analysis time (what a message waited for once its batch started).
    func analyseMeasured(_ batch: [(messageID: String, attempt: Int)]) -> [AnalysisOutcome] {
        let started = DispatchTime.now().uptimeNanoseconds
        let outcomes = analyse(batch)
        let elapsed = Int64(clamping: DispatchTime.now().uptimeNanoseconds - started)
        for outcome in outcomes { context.metrics.recordAnalysis(outcome.metricResult, nanoseconds: elapsed) }
        // A message MongoDB's unavailability left unanalysed may sit below the sweep's watermark.
        if outcomes.contains(.storeDown) { context.requestFullSweep() }
        return outcomes
    }
}
