import ClusterdCore
import Foundation

/// Status, readiness and the metric gauges, from memory (never MongoDB): a view of the shared state, the
/// automatic-run rule's verdict at the service's clock, and the Claude integration's report.
final class StatusReporter: Sendable {
    let context: ServiceContext
    /// When an automatic run starts (status shows the verdict and the next run).
    let automaticRuns: AutomaticRunRule
    /// The `llm` part of status.
    let llm: LLMUsageKeeper
    /// When the service was created, by its clock.
    let startedAt: Date

    init(context: ServiceContext, automaticRuns: AutomaticRunRule, llm: LLMUsageKeeper) {
        self.context = context
        self.automaticRuns = automaticRuns
        self.llm = llm
        self.startedAt = context.now()
    }

    /// Status from memory, with the generation of the state it was built from (see `statusGeneration`).
    func snapshot() -> (status: ServiceStatus, generation: UInt64) {
        let current = context.now()
        let (snapshot, generation) = context.state.snapshot()
        let decision = automaticRuns.evaluate(snapshot, now: current)
        var status = ServiceStatus()
        status.enabled = context.configuration.trigger.enabled
        // A run put on the lane but not yet started counts as in progress (stage "queued").
        status.clusteringInProgress = snapshot.clustering.isBusy
        status.unprocessedMessages = snapshot.unprocessed
        status.minutesSinceLastClustering = decision.minutesSinceLastRun
        status.shouldTriggerClustering = decision.shouldTrigger
        status.triggerReason = decision.reason
        status.messageThreshold = context.configuration.trigger.messageThreshold
        status.timeThresholdMinutes = context.configuration.trigger.timeThresholdMinutes
        status.analysisWorkers = context.configuration.analysisWorkers
        status.latestClusteringRun = snapshot.latestSuccessfulRun
        status.lastRun = snapshot.lastRun
        status.queueDepth = snapshot.pending.count
        status.queueCapacity = context.configuration.queueCapacity
        status.inFlightAnalyses = snapshot.inFlight
        status.analyzedTotal = snapshot.analyzedTotal
        status.failedTotal = snapshot.failedTotal
        // It may quote a client-chosen id: escaped, so no control or bidirectional character reaches a terminal.
        status.lastError = PrintableText.escaped(snapshot.lastError)
        status.clusteringStage = snapshot.clustering.stage
        status.clusteringProgress = snapshot.clustering.progress
        status.followUpQueued = snapshot.clustering.followUpQueued
        var degraded: [String] = []
        if snapshot.storeDegraded { degraded.append("store") }
        if context.embedder.isFallback { degraded.append("embedder:fallback") }
        status.llm = llm.report()
        if status.llm.state == "degraded" { degraded.append("llm") }
        status.degraded = degraded
        status.uptimeSeconds = current.timeIntervalSince(startedAt)
        status.version = context.configuration.version
        status.embedder = context.embedder.identifier
        status.embedderDetail = context.configuration.embedderDetail
        status.triggersTotal = snapshot.triggersTotal
        status.triggersRefused = snapshot.triggersRefused
        status.sweptTotal = snapshot.sweptTotal
        status.staleAnalyses = snapshot.staleAnalyses
        status.changeStream = snapshot.changeStream.description
        status.kRule = context.configuration.clustering.kRule.description
        status.minClusterSize = context.configuration.clustering.minClusterSize
        let schedule = automaticRuns.nextAutomaticRun(snapshot, decision, now: current)
        status.nextAutomaticRunAt = schedule.nextAutomaticRunAt
        status.schedulingReason = schedule.reason
        status.quietHours = context.configuration.schedule.quietHours?.description ?? ""
        status.maxAutomaticRunsPerHour = context.configuration.schedule.maxAutomaticRunsPerHour ?? 0
        status.automaticRunsLastHour =
            automaticRuns.schedulePolicy.countedStarts(snapshot.automaticRunStarts, now: current).count
        status.replica = replicaStatus(snapshot)
        return (status, generation)
    }

    /// This replica's view of the lease (as the lease keeper's last round left it, aged on the uptime clock) and the
    /// claims it holds, from memory.
    private func replicaStatus(_ snapshot: ServiceState) -> ReplicaStatus {
        var replica = ReplicaStatus()
        replica.id = snapshot.replica.id
        replica.leader = snapshot.replica.leader
        replica.isLeader = snapshot.replica.isLeader
        replica.fencingToken = snapshot.replica.fencingToken
        replica.leaseAgeSeconds = snapshot.replica.leaseAge(
            atUptime: Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        )
        replica.liveClaims = snapshot.liveClaims
        return replica
    }

    /// Whether the service takes work: start-up has loaded its state from MongoDB, MongoDB answered the last
    /// request, it is not stopping and its analysis queue has room. Answers from memory.
    func readiness() -> Readiness {
        let snapshot = context.state.read { state in
            (state.loaded, state.storeDegraded, state.stopping, state.pending.count)
        }
        var problems: [String] = []
        if snapshot.2 { problems.append("shutting down") }
        if snapshot.1 { problems.append("MongoDB unreachable") }
        if !snapshot.0 && !snapshot.1 { problems.append("starting up") }
        if snapshot.3 >= context.configuration.queueCapacity {
            problems.append("analysis queue full (\(snapshot.3) of \(context.configuration.queueCapacity))")
        }
        return Readiness(
            storeReachable: !snapshot.1 && snapshot.0,
            acceptingWork: snapshot.0 && !snapshot.2 && snapshot.3 < context.configuration.queueCapacity,
            problems: problems
        )
    }

    /// Sets the state gauges (queue depth and capacity, analyses in flight, unprocessed messages, store up, last
    /// successful clustering) from memory, and records the LLM requests counted since the last call. Called before
    /// each metrics scrape.
    func updateMetricGauges() {
        let snapshot = context.state.read { state in
            (
                state.pending.count, state.inFlight, state.unprocessed, state.loaded && !state.storeDegraded,
                state.latestSuccessfulRun, state.changeStream
            )
        }
        context.metrics.recordChangeStreamState(snapshot.5)
        context.metrics.queueDepth.record(snapshot.0)
        context.metrics.queueCapacity.record(context.configuration.queueCapacity)
        context.metrics.inFlightAnalyses.record(snapshot.1)
        context.metrics.unprocessedMessages.record(snapshot.2)
        context.metrics.storeUp.record(snapshot.3 ? 1 : 0)
        let finished = snapshot.4.map { ($0.finishedAt ?? $0.createdAt).timeIntervalSince1970 } ?? 0
        context.metrics.lastSuccessfulClustering.record(finished)
        context.metrics.recordLLM(llm.report())
    }
}
