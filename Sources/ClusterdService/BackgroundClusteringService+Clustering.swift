import ClusterdCore
import Foundation

extension BackgroundClusteringService {
    /// Puts one clustering run on the serial lane (the caller has made the lane state `queued`).
    func scheduleClustering(reason: String, forced: Bool) {
        clusteringQueue.addOperation { [self] in
            state.withLock { $0.clustering.begin() }
            runClustering(reason: reason, forced: forced)
            switch state.withLock({ $0.clustering.finish(stopping: $0.stopping) }) {
            case .runFollowUp: scheduleClustering(reason: "\(Self.forcedReason) (follow-up)", forced: true)
            case .checkTriggers: checkTriggers()
            }
        }
    }

    func setStage(_ stage: String, progress: Double) {
        state.withLock { $0.clustering.advance(to: stage, progress: progress) }
    }

    /// One clustering run, start to finish. Blocking: runs on the clustering lane only.
    func runClustering(reason: String, forced: Bool) {
        logger.info("Starting background clustering operation")
        let started = now()
        let clock = DispatchTime.now()
        var recorded: RunStatus?
        defer {
            if let recorded {
                metrics.recordRuns(recorded)
                metrics.clusteringDuration.recordNanoseconds(
                    Int64(clamping: DispatchTime.now().uptimeNanoseconds - clock.uptimeNanoseconds)
                )
            }
        }
        if forced {
            setStage("catching_up", progress: 0.02)
            catchUpInline()
        }
        setStage("loading", progress: 0.1)
        let snapshot = takeSnapshot()
        var run = ClusteringRun(
            id: ObjectIDGenerator.make(now: started),
            createdAt: started,
            status: .running,
            triggerReason: reason,
            inputs: RunInputs(
                seed: configuration.clustering.seed,
                embedder: embedder.identifier,
                kRule: configuration.clustering.kRule.description,
                messageThreshold: configuration.trigger.messageThreshold,
                timeThresholdMinutes: configuration.trigger.timeThresholdMinutes,
                snapshotAnalyzedBefore: snapshot,
                promptVersion: claude?.promptVersion ?? "local-v1"
            )
        )
        do {
            try store.insertRun(run)
            state.withLock { state in
                state.lastRun = RunSummary(run)
                state.newSinceLastAttempt = 0
            }
            let analyses = try store.analyses(analyzedAtOrBefore: snapshot)
            let conversations = Self.conversations(from: analyses)
            run.totalMessages = analyses.count
            run.totalConversations = conversations.count
            if conversations.count < 2 {
                run.status = .skipped
                run.error = "clustering needs at least 2 conversations (have \(conversations.count))"
                logger.info("Skipped background clustering: \(run.error!)")
            } else {
                setStage("clustering", progress: 0.2)
                let previous = try previousClustering()
                let engine = ClusteringEngine(configuration: configuration.clustering)
                let outcome = engine.run(runID: run.id, conversations: conversations, previous: previous) { fraction in
                    self.setStage("clustering", progress: 0.2 + 0.6 * fraction)
                }
                var clusters = outcome.clusters
                ClusterNamingPlanner.carryNameSources(&clusters, previous: previous.clusters)
                nameClusters(&clusters, assignments: outcome.assignments, conversations: conversations)
                setStage("writing", progress: 0.85)
                try store.saveClusters(clusters, assignments: outcome.assignments)
                run.status = .succeeded
                run.clustersCreated = outcome.clusters.count
                run.metrics = outcome.metrics
                run.lineage = outcome.lineage
            }
            run.finishedAt = now()
            run.durationMs = Int(run.finishedAt!.timeIntervalSince(started) * 1000)
            guard try store.finishRun(run) else {
                logger.error("Clustering run \(run.id) was no longer running when it finished; not published")
                recorded = .abandoned
                return
            }
            recorded = run.status
            noteStoreHealthy()
            try finishBookkeeping(run)
            if run.status == .succeeded {
                logger.info("Background clustering completed successfully")
                logger.info("\(RunSummary(run).qualityLine)")
            }
        } catch {
            noteStoreFailure(error)
            logger.error("Background clustering failed: \(error)")
            run.status = .failed
            if recorded == nil { recorded = .failed }
            run.error = "\(error)"
            run.finishedAt = now()
            run.durationMs = Int(run.finishedAt!.timeIntervalSince(started) * 1000)
            _ = try? store.finishRun(run)
            state.withLock { state in
                state.lastRun = RunSummary(run)
                state.lastError = "clustering: \(error)"
            }
        }
    }

    /// Names clusters with the name provider (Claude), contrasting each with its nearest neighbours; the others
    /// keep their names. `needingNames` chooses which (by stable id); by default every nameable cluster whose name
    /// is not the provider's — new stable ids, and continued clusters named locally before — so a continued
    /// cluster keeps a name Claude gave it and no call is repeated. The "Other" bucket and clusters below the
    /// minimum size are never named. Blocking: runs on the clustering lane only.
    func nameClusters(
        _ clusters: inout [Cluster],
        assignments: [ClusterAssignment],
        conversations: [ConversationInput],
        needingNames: Set<String>? = nil
    ) {
        guard let nameProvider else { return }
        let planner = ClusterNamingPlanner(
            minClusterSize: configuration.clustering.minClusterSize,
            seed: configuration.clustering.seed
        )
        let wanted = needingNames ?? planner.clustersNeedingNames(clusters, namedBy: nameProvider.source)
        let requests = planner.requests(
            for: wanted,
            clusters: clusters,
            assignments: assignments,
            conversations: conversations
        )
        guard !requests.isEmpty else { return }
        var named = 0
        for (index, request) in requests.enumerated() {
            setStage("naming", progress: 0.8 + 0.05 * Double(index) / Double(requests.count))
            guard let naming = nameProvider.name(request) else { continue }
            ClusterNamingPlanner.apply(naming, source: nameProvider.source, stableID: request.stableID, to: &clusters)
            named += 1
        }
        logger.info("Named \(named) of \(requests.count) cluster(s) with Claude; the rest keep local names")
    }

    /// The latest successful run's clusters, memberships and k: what stable ids and lineage are matched against.
    private func previousClustering() throws -> PreviousClustering {
        guard let latest = try store.latestSuccessfulRun() else { return .none }
        return PreviousClustering(
            clusters: try store.clusters(runID: latest.id),
            assignments: try store.assignments(runID: latest.id),
            k: latest.metrics?.k
        )
    }

    /// After a finished run: refresh the counters that depend on it.
    private func finishBookkeeping(_ run: ClusteringRun) throws {
        let bound = run.inputs.snapshotAnalyzedBefore
        let unprocessedAfter = run.status == .succeeded ? try store.countAnalyses(analyzedAfter: bound) : nil
        let newAfter = try store.countAnalyses(analyzedAfter: bound)
        state.withLock { state in
            state.lastRun = RunSummary(run)
            if run.status == .succeeded { state.latestSuccessfulRun = RunSummary(run) }
            if let unprocessedAfter { state.unprocessed = unprocessedAfter }
            state.newSinceLastAttempt = newAfter
        }
    }

    /// Waits (bounded) until no analysis is between stamping its time and finishing its save, then returns a bound
    /// after which every later analysis is stamped.
    private func takeSnapshot() -> Date {
        state.withLock(once: { $0.savesInProgress == 0 }, orAfter: .seconds(10)) { state in
            let bound = max(now(), state.lastSnapshot.addingTimeInterval(0.001))
            state.lastSnapshot = bound
            return bound
        }
    }

    /// A forced run first analyses what the sweep would find, so it also works with background clustering off.
    private func catchUpInline() {
        guard
            let ids = try? store.unanalysedMessageIDs(
                limit: configuration.sweepBatchSize * 10,
                maxAttempts: configuration.maxAttempts
            )
        else { return }
        // In micro-batches, like the analysis lane: one embedding call and one bulk write per batch.
        let retries = configuration.notFoundRetryDelays.count
        var start = 0
        while start < ids.count {
            let chunk = ids[start..<min(ids.count, start + max(1, configuration.embeddingBatchSize))]
            start += chunk.count
            let claimed = state.withLock { state in
                chunk.map(\.description).filter { state.pending.insert($0).inserted }
            }
            guard !claimed.isEmpty else { continue }
            _ = analyseMeasured(claimed.map { ($0, retries) })
            state.withLock { state in
                for id in claimed { state.pending.remove(id) }
            }
        }
    }

    /// Groups analyses by conversation, in a deterministic order.
    static func conversations(from analyses: [MessageAnalysis]) -> [ConversationInput] {
        var grouped: [RecordID: [MessageAnalysis]] = [:]
        for analysis in analyses { grouped[analysis.conversationID, default: []].append(analysis) }
        return grouped.keys.sorted().map { id in
            let messages = grouped[id]!.sorted { $0.messageID < $1.messageID }
            return ConversationInput(id: id, embeddings: messages.map(\.embedding), concepts: messages.map(\.concepts))
        }
    }
}
