import ClusterdCore
import ClusterdLLM
import CoreMetrics
import Foundation
import Logging
import Metrics
import Synchronization

/// The background service: analyses triggered messages on a bounded queue, sweeps for missed ones, checks the
/// trigger rules and runs clustering on a serial lane, and reports status from memory.
///
/// A thin façade over collaborators that share one `ServiceContext` (configuration, store, clock, metrics and the
/// lock-guarded state): the analysis lane, the clustering lane, the catch-up sweeper, the LLM usage keeper and the
/// status reporter. This type owns the maintenance lane (start-up, the timer's ticks) and the lifecycle.
///
/// Threading: public methods never block (a lock held for microseconds, then `addOperation`). Every store,
/// embedder and clustering call runs on one of the lanes' OperationQueues (utility QoS).
public final class BackgroundClusteringService: Sendable {
    let context: ServiceContext
    /// Claude's setup and token usage.
    let llm: LLMUsageKeeper
    /// Triggered messages, micro-batched onto `analysisWorkers` threads.
    let analysis: AnalysisLane
    /// One clustering run at a time.
    let clustering: ClusteringLane
    /// The catch-up sweep (on the maintenance lane).
    let sweeper: CatchUpSweeper
    /// The change stream on the host's messages (its own thread), started once start-up has loaded.
    let changes: ChangeFollower
    /// The clustering leader's lease (its own thread): only the leader runs clustering.
    let leases: LeaseKeeper
    /// Status, readiness and gauges from memory.
    let reporter: StatusReporter
    /// Start-up, sweep and timer work: one at a time.
    let maintenanceQueue: OperationQueue
    let timer: Mutex<Ticker?> = Mutex(nil)
    /// The last topic report model built (pages of one report are cut from one build).
    let reportCache: Mutex<ReportCacheEntry?> = Mutex(nil)

    /// The shared in-memory state.
    var state: VersionedState { context.state }

    /// Creates the service; call `start()` to load state and begin the timer. Its metrics are recorded on
    /// `metricsFactory` (the bootstrapped swift-metrics backend by default).
    public init(
        configuration: ServiceConfiguration,
        store: any ServiceStore,
        embedder: any Embedder,
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() },
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        context = ServiceContext(
            configuration: configuration,
            store: store,
            embedder: embedder,
            logger: logger,
            now: now,
            metrics: ServiceMetrics(factory: metricsFactory)
        )
        let automaticRuns = AutomaticRunRule(
            policy: TriggerPolicy(configuration: configuration.trigger),
            schedulePolicy: SchedulePolicy(configuration: configuration.schedule, trigger: configuration.trigger),
            backlogDeferSeconds: configuration.backlogDeferSeconds
        )
        llm = LLMUsageKeeper(context: context)
        analysis = AnalysisLane(
            context: context,
            conceptProvider: llm.conceptProvider,
            upgradedPromptVersions: llm.upgradedPromptVersions,
            backlog: llm.backlog
        )
        clustering = ClusteringLane(context: context, analysis: analysis, llm: llm, automaticRuns: automaticRuns)
        let maintenanceQueue = OperationQueue()
        maintenanceQueue.name = "clusterd.maintenance"
        maintenanceQueue.maxConcurrentOperationCount = 1
        // Not default QoS: on Linux a default-QoS queue's operations run on the same libdispatch threads as Swift
        // concurrency's cooperative pool (one per core), so a tick blocked in MongoDB's server selection would
        // hold a cooperative thread for up to its timeout.
        maintenanceQueue.qualityOfService = .utility
        self.maintenanceQueue = maintenanceQueue
        sweeper = CatchUpSweeper(context: context, analysis: analysis) { step in
            maintenanceQueue.addOperation(step)
        }
        changes = ChangeFollower(context: context, analysis: analysis)
        leases = LeaseKeeper(
            context: context,
            forceRun: { [weak clustering] in _ = clustering?.force() },
            refreshRuns: { [weak clustering] in try clustering?.refreshPublishedRuns() }
        )
        reporter = StatusReporter(context: context, automaticRuns: automaticRuns, llm: llm)
        analysis.whenAnalysed { [weak clustering] in clustering?.checkTriggers() }
        analysis.afterEachBatch { [weak sweeper] in sweeper?.continueIfRoom() }
        context.whenFullSweepRequested { [weak sweeper] in sweeper?.stepSoon() }
    }

    /// Loads state from MongoDB (abandoning runs a dead process left `running`), then starts the timer.
    public func start() {
        if context.embedder.isFallback {
            let detail = context.configuration.embedderDetail
            context.logger.warning(
                "Using the fallback embedder \(context.embedder.identifier): embeddings are feature hashes, not a language model\(detail.isEmpty ? "" : " (\(detail))")"
            )
        }
        llm.logSetup()
        maintenanceQueue.addOperation { [self] in
            loadState()
            tick()
        }
        let ticker = Ticker(label: "clusterd.timer", interval: context.configuration.tickSeconds) { [weak self] in
            guard let self, self.maintenanceQueue.operationCount == 0 else { return }
            self.maintenanceQueue.addOperation { self.tick() }
        }
        timer.withLock { $0 = ticker }
    }

    /// Stops the timer and the change stream (which saves its position), drops queued (not started) analyses — the
    /// next start's sweep finds them — and waits up to the grace period for in-flight analyses and a running
    /// clustering. The caller closes the store afterwards.
    public func shutdown() {
        let started = DispatchTime.now().uptimeNanoseconds
        state.withLock { $0.stopping = true }
        leases.stop()
        llm.stop()
        timer.withLock {
            $0?.cancel()
            $0 = nil
        }
        let grace = context.configuration.shutdownGraceSeconds
        if !changes.waitUntilStopped(within: grace) {
            context.logger.warning(
                "The change stream did not stop within \(grace) s; its last position may be resumed twice"
            )
        }
        let remaining = grace - Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        for queue in [analysis.queue, clustering.queue, maintenanceQueue] {
            queue.cancelAllOperations()
            queue.isSuspended = false
        }
        _ = OperationQueue.drain(
            [analysis.queue, clustering.queue, maintenanceQueue],
            within: max(0, remaining)
        )
        llm.backlog?.stop(within: max(0, grace - Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9))
        sweeper.closeScan()
        context.exports.closeAll()
        leases.release(within: max(0, grace - Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9))
        llm.persist()
        if state.read({ $0.clustering.isRunning }) {
            context.logger.warning(
                "Shutting down during a clustering run; it will be marked abandoned at the next start"
            )
        }
    }

    // MARK: - Requests (non-blocking)

    /// The longest message id accepted, in characters (Unicode scalars).
    public static let maxMessageIDLength = 1024

    /// Queues a message for analysis. Never waits for the analysis.
    public func triggerAnalysis(messageID: String, conversationID: String?) throws(ServiceError) -> TriggerResult {
        try Self.validate(messageID: messageID)
        let decision = state.withLock { analysis.admit(messageID, in: &$0) }
        return try analysis.act(on: decision, messageID: messageID)
    }

    /// Runs a clustering now. While one runs, exactly one follow-up is queued (further forces coalesce into it).
    public func forceClustering() -> ForceResult {
        let (known, leader) = state.read { ($0.replica.lastRound != nil, $0.replica.leader) }
        // Before the first lease round the run is queued here; the lane forwards it if this replica follows.
        guard known, !leases.isLeader else { return clustering.force() }
        leases.forwardForcedRun(on: maintenanceQueue)
        return ForceResult(
            started: false,
            followUpQueued: true,
            message: "forwarded to the clustering leader, replica \(leader)"
        )
    }

    /// What the change stream follower is doing: "following", "unsupported", "off", "error: …" (retrying),
    /// "starting" or "stopped". From memory.
    public var changeStreamState: ChangeStreamState { state.read { $0.changeStream } }

    /// Messages waiting for analysis or being analysed.
    var queueDepth: Int { analysis.queueDepth }

    /// Status from memory; never touches MongoDB.
    public func status() -> ServiceStatus {
        reporter.snapshot().status
    }

    /// The generation of the service's in-memory state: unchanged since a `statusSnapshot()` that returned it means
    /// nothing that status reports has changed since, except what derives from the clock (uptime, minutes since the
    /// last run, the schedule) and the Claude integration's report.
    public var statusGeneration: UInt64 { state.generation }

    /// Status from memory, with the generation of the state it was built from (see `statusGeneration`).
    public func statusSnapshot() -> (status: ServiceStatus, generation: UInt64) {
        reporter.snapshot()
    }

    /// Whether the service takes work: start-up has loaded its state from MongoDB, MongoDB answered the last
    /// request, it is not stopping and its analysis queue has room. Answers from memory.
    public func readiness() -> Readiness {
        reporter.readiness()
    }

    /// Sets the state gauges (queue depth and capacity, analyses in flight, unprocessed messages, store up, last
    /// successful clustering) from memory, and records the LLM requests counted since the last call. Called before
    /// each metrics scrape.
    public func updateMetricGauges() {
        reporter.updateMetricGauges()
    }
}
