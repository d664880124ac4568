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
/// Threading: public methods never block (a lock held for microseconds, then `addOperation`). Every store,
/// embedder and clustering call runs on one of the service's OperationQueues.
public final class BackgroundClusteringService: Sendable {
    let configuration: ServiceConfiguration
    let store: any ServiceStore
    let embedder: any Embedder
    let logger: Logger
    let now: @Sendable () -> Date
    let startedAt: Date
    let state: VersionedState
    /// When an automatic run starts: the trigger rules, the schedule and the backlog-defer rule.
    let automaticRuns: AutomaticRunRule
    let metrics: ServiceMetrics
    /// Concepts per message: Claude's (the local extractor as fallback) or the local extractor's.
    let conceptProvider: any ConceptProvider
    /// Contrastive cluster names; nil keeps the local names.
    let nameProvider: (any ClusterNameProvider)?
    /// The Claude integration; nil when not configured or when its configuration was unusable.
    let claude: ClaudeIntegration?
    /// Why the configured Claude integration could not be built, if it could not.
    let claudeSetupError: String?
    /// Claude tokens of the day already added to MongoDB.
    let persistedLLMUsage = Mutex<(day: Int, tokens: Int)>((day: 0, tokens: 0))

    /// Analysis lane: `analysisWorkers` wide.
    let analysisQueue: OperationQueue
    /// Clustering lane: one at a time.
    let clusteringQueue: OperationQueue
    /// Start-up, sweep and timer work: one at a time.
    let maintenanceQueue: OperationQueue
    let timer: Mutex<Ticker?> = Mutex(nil)

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
        self.configuration = configuration
        self.store = store
        self.embedder = embedder
        self.logger = logger
        self.now = now
        self.startedAt = now()
        self.state = VersionedState(ServiceState(sweep: SweepState(fullSweepSeconds: configuration.fullSweepSeconds)))
        self.automaticRuns = AutomaticRunRule(
            policy: TriggerPolicy(configuration: configuration.trigger),
            schedulePolicy: SchedulePolicy(configuration: configuration.schedule, trigger: configuration.trigger),
            backlogDeferSeconds: configuration.backlogDeferSeconds
        )
        self.metrics = ServiceMetrics(factory: metricsFactory)
        (claude, claudeSetupError) = Self.makeClaude(configuration, logger: logger, now: now)
        conceptProvider = claude?.concepts ?? LocalConceptProvider(limit: configuration.conceptsPerMessage)
        nameProvider = claude?.names
        analysisQueue = OperationQueue()
        analysisQueue.name = "clusterd.analysis"
        analysisQueue.maxConcurrentOperationCount = configuration.analysisWorkers
        analysisQueue.qualityOfService = .utility
        // Held until start-up has loaded the counters from MongoDB, so no analysis races that load.
        analysisQueue.isSuspended = true
        clusteringQueue = OperationQueue()
        clusteringQueue.name = "clusterd.clustering"
        clusteringQueue.maxConcurrentOperationCount = 1
        clusteringQueue.qualityOfService = .utility
        // Held until start-up has abandoned runs a dead process left `running`, so a forced run is never among them.
        clusteringQueue.isSuspended = true
        maintenanceQueue = OperationQueue()
        maintenanceQueue.name = "clusterd.maintenance"
        maintenanceQueue.maxConcurrentOperationCount = 1
        // Not default QoS: on Linux a default-QoS queue's operations run on the same libdispatch threads as Swift
        // concurrency's cooperative pool (one per core), so a tick blocked in MongoDB's server selection would
        // hold a cooperative thread for up to its timeout.
        maintenanceQueue.qualityOfService = .utility
    }

    /// Loads state from MongoDB (abandoning runs a dead process left `running`), then starts the timer.
    public func start() {
        if embedder.isFallback {
            logger.warning(
                "Using the fallback embedder \(embedder.identifier): embeddings are feature hashes, not a language model\(configuration.embedderDetail.isEmpty ? "" : " (\(configuration.embedderDetail))")"
            )
        }
        logLLMSetup()
        maintenanceQueue.addOperation { [self] in
            loadState()
            tick()
        }
        let ticker = Ticker(label: "clusterd.timer", interval: configuration.tickSeconds) { [weak self] in
            guard let self, self.maintenanceQueue.operationCount == 0 else { return }
            self.maintenanceQueue.addOperation { self.tick() }
        }
        timer.withLock { $0 = ticker }
    }

    /// Stops the timer, drops queued (not started) analyses — the next start's sweep finds them — and waits up to
    /// the grace period for in-flight analyses and a running clustering. The caller closes the store afterwards.
    public func shutdown() {
        state.withLock { $0.stopping = true }
        claude?.stop()
        timer.withLock {
            $0?.cancel()
            $0 = nil
        }
        analysisQueue.cancelAllOperations()
        analysisQueue.isSuspended = false
        clusteringQueue.cancelAllOperations()
        clusteringQueue.isSuspended = false
        maintenanceQueue.cancelAllOperations()
        _ = OperationQueue.drain(
            [analysisQueue, clusteringQueue, maintenanceQueue],
            within: configuration.shutdownGraceSeconds
        )
        persistLLMUsage()
        let leftover = state.read { $0.clustering.isRunning }
        if leftover {
            logger.warning("Shutting down during a clustering run; it will be marked abandoned at the next start")
        }
    }

    // MARK: - Requests (non-blocking)

    /// The longest message id accepted, in characters (Unicode scalars).
    public static let maxMessageIDLength = 1024

    /// Queues a message for analysis. Never waits for the analysis.
    public func triggerAnalysis(messageID: String, conversationID: String?) throws(ServiceError) -> TriggerResult {
        try Self.validate(messageID: messageID)
        let decision = state.withLock {
            $0.admit(
                messageID: messageID,
                enabled: configuration.trigger.enabled,
                queueCapacity: configuration.queueCapacity
            )
        }
        return try act(on: decision, messageID: messageID)
    }

    /// Runs a clustering now. While one runs, exactly one follow-up is queued (further forces coalesce into it).
    public func forceClustering() -> ForceResult {
        let action = state.withLock { $0.clustering.force() }
        if action == .start { scheduleClustering(reason: Self.forcedReason, forced: true) }
        return ClusteringLaneState.reply(to: action)
    }

    /// Messages waiting for analysis or being analysed.
    var queueDepth: Int { state.read { $0.pending.count } }

    /// Status from memory; never touches MongoDB.
    public func status() -> ServiceStatus {
        statusSnapshot().status
    }

    /// The generation of the service's in-memory state: unchanged since a `statusSnapshot()` that returned it means
    /// nothing that status reports has changed since, except what derives from the clock (uptime, minutes since the
    /// last run, the schedule) and the Claude integration's report.
    public var statusGeneration: UInt64 { state.generation }

    /// Status from memory, with the generation of the state it was built from (see `statusGeneration`).
    public func statusSnapshot() -> (status: ServiceStatus, generation: UInt64) {
        let current = now()
        let (snapshot, generation) = state.snapshot()
        let decision = automaticRuns.evaluate(snapshot, now: current)
        var status = ServiceStatus()
        status.enabled = configuration.trigger.enabled
        // A run put on the lane but not yet started counts as in progress (stage "queued").
        status.clusteringInProgress = snapshot.clustering.isBusy
        status.unprocessedMessages = snapshot.unprocessed
        status.minutesSinceLastClustering = decision.minutesSinceLastRun
        status.shouldTriggerClustering = decision.shouldTrigger
        status.triggerReason = decision.reason
        status.messageThreshold = configuration.trigger.messageThreshold
        status.timeThresholdMinutes = configuration.trigger.timeThresholdMinutes
        status.analysisWorkers = configuration.analysisWorkers
        status.latestClusteringRun = snapshot.latestSuccessfulRun
        status.lastRun = snapshot.lastRun
        status.queueDepth = snapshot.pending.count
        status.queueCapacity = configuration.queueCapacity
        status.inFlightAnalyses = snapshot.inFlight
        status.analyzedTotal = snapshot.analyzedTotal
        status.failedTotal = snapshot.failedTotal
        status.lastError = snapshot.lastError
        status.clusteringStage = snapshot.clustering.stage
        status.clusteringProgress = snapshot.clustering.progress
        status.followUpQueued = snapshot.clustering.followUpQueued
        var degraded: [String] = []
        if snapshot.storeDegraded { degraded.append("store") }
        if embedder.isFallback { degraded.append("embedder:fallback") }
        status.llm = llmReport()
        if status.llm.state == "degraded" { degraded.append("llm") }
        status.degraded = degraded
        status.uptimeSeconds = current.timeIntervalSince(startedAt)
        status.version = configuration.version
        status.embedder = embedder.identifier
        status.embedderDetail = configuration.embedderDetail
        status.triggersTotal = snapshot.triggersTotal
        status.triggersRefused = snapshot.triggersRefused
        status.sweptTotal = snapshot.sweptTotal
        status.kRule = configuration.clustering.kRule.description
        status.minClusterSize = configuration.clustering.minClusterSize
        let schedule = automaticRuns.nextAutomaticRun(snapshot, decision, now: current)
        status.nextAutomaticRunAt = schedule.nextAutomaticRunAt
        status.schedulingReason = schedule.reason
        status.quietHours = configuration.schedule.quietHours?.description ?? ""
        status.maxAutomaticRunsPerHour = configuration.schedule.maxAutomaticRunsPerHour ?? 0
        status.automaticRunsLastHour =
            automaticRuns.schedulePolicy.countedStarts(snapshot.automaticRunStarts, now: current).count
        return (status, generation)
    }

    /// Whether the service takes work: start-up has loaded its state from MongoDB, MongoDB answered the last
    /// request, it is not stopping and its analysis queue has room. Answers from memory.
    public func readiness() -> Readiness {
        let snapshot = state.read { state in
            (state.loaded, state.storeDegraded, state.stopping, state.pending.count)
        }
        var problems: [String] = []
        if snapshot.2 { problems.append("shutting down") }
        if snapshot.1 { problems.append("MongoDB unreachable") }
        if !snapshot.0 && !snapshot.1 { problems.append("starting up") }
        if snapshot.3 >= configuration.queueCapacity {
            problems.append("analysis queue full (\(snapshot.3) of \(configuration.queueCapacity))")
        }
        return Readiness(
            storeReachable: !snapshot.1 && snapshot.0,
            acceptingWork: snapshot.0 && !snapshot.2 && snapshot.3 < configuration.queueCapacity,
            problems: problems
        )
    }

    /// Sets the state gauges (queue depth and capacity, analyses in flight, unprocessed messages, store up, last
    /// successful clustering) from memory, and records the LLM requests counted since the last call. Called before
    /// each metrics scrape.
    public func updateMetricGauges() {
        let snapshot = state.read { state in
            (
                state.pending.count, state.inFlight, state.unprocessed, state.loaded && !state.storeDegraded,
                state.latestSuccessfulRun
            )
        }
        metrics.queueDepth.record(snapshot.0)
        metrics.queueCapacity.record(configuration.queueCapacity)
        metrics.inFlightAnalyses.record(snapshot.1)
        metrics.unprocessedMessages.record(snapshot.2)
        metrics.storeUp.record(snapshot.3 ? 1 : 0)
        let finished = snapshot.4.map { ($0.finishedAt ?? $0.createdAt).timeIntervalSince1970 } ?? 0
        metrics.lastSuccessfulClustering.record(finished)
        metrics.recordLLM(llmReport())
    }

    /// The clusters of a run (latest successful when nil). Blocks on MongoDB: call it off the event loops.
    public func listClusters(runID: String?) throws(ServiceError) -> ClusterListing {
        do {
            let run: ClusteringRun?
            if let runID, !runID.isEmpty {
                run = try RecordID.candidates(for: runID).lazy.compactMap { try self.store.run(id: $0) }.first
                guard let run else { throw ServiceError(.notFound, "no clustering run with id \(runID)") }
                _ = run
            } else {
                run = try store.latestSuccessfulRun()
            }
            guard let run else { throw ServiceError(.notFound, "no successful clustering run yet") }
            let clusters = try store.clusters(runID: run.id)
            return ClusterListing(run: RunSummary(run), clusters: clusters.map(ClusterSummary.init))
        } catch let error as ServiceError {
            throw error
        } catch {
            noteStoreFailure(error)
            throw ServiceError(.storeUnavailable, "MongoDB is unavailable: \(error)")
        }
    }

    func noteStoreFailure(_ error: Error) {
        let first = state.withLock { state in
            let first = !state.storeDegraded
            state.storeDegraded = true
            state.lastError = "store: \(error)"
            return first
        }
        if first { logger.error("MongoDB unavailable: \(error)") }
    }

    func noteStoreHealthy() {
        let recovered = state.withLock { state in
            let was = state.storeDegraded
            state.storeDegraded = false
            // While MongoDB was down, work may have failed for messages below the sweep's watermark.
            if was { state.sweep.fullSweepNeeded = true }
            return was
        }
        if recovered { logger.info("MongoDB reachable again") }
    }
}

/// The reply to a trigger.
public struct TriggerResult: Sendable, Equatable {
    /// What happened.
    public var outcome: TriggerOutcomeKind
    /// Messages waiting after it.
    public var queueDepth: Int
}

/// What a trigger did.
public enum TriggerOutcomeKind: Sendable, Equatable {
    /// Put on the queue.
    case queued
    /// Already waiting or in flight.
    case alreadyQueued
    /// Counted only (background clustering disabled).
    case recorded
}

/// The reply to ForceClustering.
public struct ForceResult: Sendable, Equatable {
    /// A run was started by this call.
    public var started: Bool
    /// A follow-up is queued behind the running one.
    public var followUpQueued: Bool
    /// For humans.
    public var message: String
}
