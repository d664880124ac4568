import ClusterdCore
import Foundation

/// The clustering lane: one run at a time on a serial queue, started by ForceClustering or by the automatic-run
/// rule, with at most one follow-up queued behind a running run.
///
/// Its state is `ServiceState.clustering` (a `ClusteringLaneState`); decisions come from that state machine and
/// from `AutomaticRunRule`, and this lane carries them out. Runs block on MongoDB, the embedder (a forced run's
/// catch-up) and Claude: they run on `queue` (utility QoS, off the cooperative pool).
final class ClusteringLane: Sendable {
    /// The trigger reason of ForceClustering runs (and their follow-ups).
    static let forcedReason = "forced by operator"

    let context: ServiceContext
    /// Catches up before a forced run.
    let analysis: AnalysisLane
    /// Names clusters, and the prompt version runs record.
    let llm: LLMUsageKeeper
    /// When an automatic run starts.
    let automaticRuns: AutomaticRunRule
    /// One run at a time; suspended until start-up has abandoned runs a dead process left `running`, so a forced
    /// run is never among them.
    let queue: OperationQueue

    init(context: ServiceContext, analysis: AnalysisLane, llm: LLMUsageKeeper, automaticRuns: AutomaticRunRule) {
        self.context = context
        self.analysis = analysis
        self.llm = llm
        self.automaticRuns = automaticRuns
        queue = OperationQueue()
        queue.name = "clusterd.clustering"
        queue.maxConcurrentOperationCount = 1
        queue.qualityOfService = .utility
        queue.isSuspended = true
    }

    /// Runs a clustering now; while one runs, exactly one follow-up is queued (further forces coalesce into it).
    func force() -> ForceResult {
        let action = context.state.withLock { $0.clustering.force() }
        if action == .start { schedule(reason: Self.forcedReason, forced: true) }
        return ClusteringLaneState.reply(to: action)
    }

    /// Evaluates the trigger rules from memory and schedules a clustering when they say so and the schedule
    /// (quiet hours, hourly cap, backlog deferral) allows it (see `AutomaticRunRule.check(_:now:)`).
    func checkTriggers() {
        guard leads else { return }
        switch context.state.withLock({ automaticRuns.check(&$0, now: context.now()) }) {
        case .none: break
        case .hold(let line): context.logger.info("\(line)")
        case .schedule(let reason): schedule(reason: reason, forced: false)
        }
    }

    /// Puts one clustering run on the serial lane (the caller has made the lane state `queued`).
    func schedule(reason: String, forced: Bool) {
        queue.addOperation { [self] in
            context.state.withLock { $0.clustering.begin() }
            run(reason: reason, forced: forced)
            prune()
            switch context.state.withLock({ $0.clustering.finish(stopping: $0.stopping) }) {
            case .runFollowUp: schedule(reason: "\(Self.forcedReason) (follow-up)", forced: true)
            case .checkTriggers: checkTriggers()
            }
        }
    }

    /// The running run reached `stage`.
    func setStage(_ stage: String, progress: Double) {
        context.state.withLock { $0.clustering.advance(to: stage, progress: progress) }
    }

    /// Waits (bounded) until no analysis is between stamping its time and finishing its save, then returns a bound
    /// after which every later analysis is stamped.
    func takeSnapshot() -> Date {
        context.state.withLock(once: { $0.savesInProgress == 0 }, orAfter: .seconds(10)) { state in
            let bound = max(context.now(), state.lastSnapshot.addingTimeInterval(0.001))
            state.lastSnapshot = bound
            return bound
        }
    }

    /// How long a forced run's catch-up waits for the store's answer (a server that takes longer, such as the
    /// embedded one on a very large collection, leaves that to the sweep and the change stream).
    static let catchUpPatience = 5.0

    /// A forced run first analyses what the sweep would find, so it also works with background clustering off.
    func catchUpInline() {
        let configuration = context.configuration
        guard
            let ids = try? context.store.unanalysedMessageIDs(
                limit: configuration.sweepBatchSize * 10,
                embedder: context.embedder.identifier,
                patience: Self.catchUpPatience
            )
        else { return }
        // In micro-batches, like the analysis lane: one embedding call and one bulk write per batch.
        let retries = configuration.notFoundRetryDelays.count
        var start = 0
        while start < ids.count {
            let chunk = ids[start..<min(ids.count, start + max(1, configuration.embeddingBatchSize))]
            start += chunk.count
            let claimed = context.state.withLock { state in
                chunk.map(\.description).filter { state.pending.insert($0).inserted }
            }
            guard !claimed.isEmpty else { continue }
            _ = analysis.analyseMeasured(claimed.map { ($0, retries) })
            context.state.withLock { state in
                for id in claimed { state.pending.remove(id) }
            }
        }
    }
}
