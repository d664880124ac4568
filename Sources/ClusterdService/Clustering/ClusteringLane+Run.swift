import ClusterdClustering
import ClusterdCore
import ClusterdStore
import Foundation

extension ClusteringLane {
    /// One clustering run, start to finish. Blocking: runs on the clustering lane only.
    func run(reason: String, forced: Bool) {
        guard leads else {
            if forced { forwardForcedRun() }
            return
        }
        context.logger.info("Starting background clustering operation")
        let started = context.now()
        let clock = DispatchTime.now()
        var recorded: RunStatus?
        defer {
            if let recorded {
                context.metrics.recordRuns(recorded)
                context.metrics.clusteringDuration.recordNanoseconds(
                    Int64(clamping: DispatchTime.now().uptimeNanoseconds - clock.uptimeNanoseconds)
                )
            }
        }
        if forced {
            setStage("catching_up", progress: 0.02)
            catchUpInline()
            awaitPendingAnalyses()
        }
        setStage("loading", progress: 0.1)
        let erasures = context.state.read { $0.erasures }
        let snapshot = takeSnapshot()
        var run = ClusteringRun(
            id: ObjectIDGenerator.make(now: started),
            createdAt: started,
            status: .running,
            triggerReason: reason,
            inputs: RunInputs(
                seed: context.configuration.clustering.seed,
                embedder: context.embedder.identifier,
                kRule: context.configuration.clustering.kRule.description,
                messageThreshold: context.configuration.trigger.messageThreshold,
                timeThresholdMinutes: context.configuration.trigger.timeThresholdMinutes,
                snapshotAnalyzedBefore: snapshot,
                promptVersion: llm.promptVersion
            )
        )
        let replica = context.state.read { $0.replica }
        run.owner = replica.id
        run.fencingToken = replica.fencingToken
        var newBefore = 0
        var written: [Cluster] = []
        do {
            try context.store.insertRun(run)
            newBefore = context.state.withLock { state in
                state.lastRun = RunSummary(run)
                defer { state.newSinceLastAttempt = 0 }
                return state.newSinceLastAttempt
            }
            let existence = existenceCheck(forced: forced)
            let sample = try collectSample(upTo: snapshot, checkingExistence: existence.needed)
            if existence.needed { existence.checked() }
            let conversations = sample.conversations()
            run.totalMessages = sample.messagesSeen
            run.totalConversations = conversations.count
            if sample.reachedEnd && conversations.count < 2 {
                run.status = .skipped
                run.error = "clustering needs at least 2 conversations (have \(conversations.count))"
                context.logger.info("Skipped background clustering: \(run.error!)")
            } else {
                setStage("clustering", progress: 0.2)
                let curation = CurationApplier(try context.store.curations())
                let previous = try previousClustering(curation: curation)
                let engine = ClusteringEngine(configuration: context.configuration.clustering)
                var outcome = engine.run(runID: run.id, conversations: conversations, previous: previous) { fraction in
                    self.setStage("clustering", progress: 0.2 + 0.5 * fraction)
                }
                // Hand curation, once stable ids are matched: merged ids map to their survivors before the rest of
                // a sampled run is assigned, and kept names replace local ones before Claude names the others.
                try applyCuratedMerges(&outcome, curation: curation)
                var clusters = outcome.clusters
                var metrics = outcome.metrics
                var assignments = outcome.assignments
                if !sample.reachedEnd {
                    // More conversations than the memory budget holds: the engine fitted (and named, matched ids,
                    // measured the silhouette) on the hash sample; the rest go to the nearest cluster in streaming
                    // passes, and sizes and metrics are completed over all of them.
                    setStage("assigning", progress: 0.7)
                    assignments += try assignBeyondSample(
                        sample.upperBound,
                        clusters: clusters,
                        runID: run.id,
                        upTo: snapshot
                    ) { fraction in self.setStage("assigning", progress: 0.7 + 0.1 * fraction) }
                    Self.completeSampledRun(
                        clusters: &clusters,
                        metrics: &metrics,
                        assignments: assignments,
                        previous: previous
                    )
                    run.totalConversations = assignments.count
                    context.logger.info(
                        "Clustered a sample of \(conversations.count) conversation(s) within \(context.configuration.clusteringMemoryMB) MiB and assigned \(assignments.count - conversations.count) more in streaming passes"
                    )
                }
                ClusterNamingPlanner.carryNameSources(&clusters, previous: previous.clusters)
                let curatedNames = curation.applyNames(&clusters)
                nameClusters(
                    &clusters,
                    assignments: outcome.assignments,
                    conversations: conversations,
                    keeping: curatedNames
                )
                setStage("writing", progress: 0.85)
                try context.store.saveClusters(clusters, assignments: assignments)
                written = clusters
                run.clustersCreated = clusters.count
                run.metrics = metrics
                run.lineage = outcome.lineage
                // An erasure that began before this check deletes after the writes above (or the run is not
                // published): what it erased never stays in a published run.
                if context.state.read({ $0.erasures }) != erasures {
                    run.status = .failed
                    run.error =
                        "an erasure (ForgetMessages) arrived during the run; not published, its clusters are pruned"
                    context.logger.warning("Background clustering not published: \(run.error!)")
                } else {
                    run.status = .succeeded
                }
            }
            run.finishedAt = context.now()
            run.durationMs = Int(run.finishedAt!.timeIntervalSince(started) * 1000)
            if run.status == .succeeded,
                try !context.store.passFence(
                    named: LeaseKeeper.leaseName,
                    owner: run.owner,
                    token: run.fencingToken,
                    runID: run.id,
                    now: context.now()
                )
            {
                run.status = .abandoned
                run.error =
                    "this replica lost the clustering lease (fencing token \(run.fencingToken) is no longer current); not published"
                context.logger.warning("Background clustering not published: \(run.error!)")
                context.state.withLock { $0.replica.isLeader = false }
            }
            guard try context.store.finishRun(run) else {
                context.logger.error("Clustering run \(run.id) was no longer running when it finished; not published")
                recorded = .abandoned
                return
            }
            recorded = run.status
            context.noteStoreHealthy()
            try finishBookkeeping(run)
            if run.status == .succeeded {
                context.placer.refresh(runID: run.id, embedder: run.inputs.embedder, clusters: written)
                context.logger.info("Background clustering completed successfully")
                context.logger.info("\(RunSummary(run).qualityLine)")
            }
        } catch {
            context.noteStoreFailure(error)
            context.logger.error("Background clustering failed: \(error)")
            run.status = .failed
            if recorded == nil { recorded = .failed }
            run.error = "\(error)"
            run.finishedAt = context.now()
            run.durationMs = Int(run.finishedAt!.timeIntervalSince(started) * 1000)
            _ = try? context.store.finishRun(run)
            let storeFailed = error is StoreError
            context.state.withLock { state in
                state.lastRun = RunSummary(run)
                state.lastError = "clustering: \(error)"
                // MongoDB failed the run: it consumed nothing, so what it would have clustered is still new and the
                // message rule runs again once the store answers (other failures wait for new messages).
                if storeFailed { state.newSinceLastAttempt += newBefore }
            }
        }
    }

    /// Names clusters with the name provider (Claude), contrasting each with its nearest neighbours; the others
    /// keep their names. `needingNames` chooses which (by stable id); by default every nameable cluster whose name
    /// is not the provider's — new stable ids, and continued clusters named locally before — so a continued
    /// cluster keeps a name Claude gave it and no call is repeated. The "Other" bucket, clusters below the
    /// minimum size and the ids in `keeping` (names kept by hand curation) are never named. Blocking: runs on the
    /// clustering lane only.
    func nameClusters(
        _ clusters: inout [Cluster],
        assignments: [ClusterAssignment],
        conversations: [ConversationInput],
        needingNames: Set<String>? = nil,
        keeping: Set<String> = []
    ) {
        guard let nameProvider = llm.nameProvider else { return }
        let planner = ClusterNamingPlanner(
            minClusterSize: context.configuration.clustering.minClusterSize,
            seed: context.configuration.clustering.seed
        )
        let wanted = (needingNames ?? planner.clustersNeedingNames(clusters, namedBy: nameProvider.source))
            .subtracting(keeping)
        let requests = planner.requests(
            for: wanted,
            clusters: clusters,
            assignments: assignments,
            conversations: conversations
        )
        llm.pendingNames.withLock { $0 = nil }
        guard !requests.isEmpty else {
            persistPendingNames(runID: nil, [])
            return
        }
        setStage("naming", progress: 0.8)
        let namings = nameProvider.names(requests)
        var named = 0
        var missed: [ClusterNamingRequest] = []
        for request in requests {
            guard let naming = namings[request.stableID] else {
                missed.append(request)
                continue
            }
            ClusterNamingPlanner.apply(naming, source: nameProvider.source, stableID: request.stableID, to: &clusters)
            named += 1
        }
        if let runID = clusters.first?.runID, !missed.isEmpty {
            llm.pendingNames.withLock { $0 = PendingNames(runID: runID, requests: missed) }
        }
        persistPendingNames(runID: clusters.first?.runID, missed)
        context.logger.info(
            "Named \(named) of \(requests.count) cluster(s) with Claude; \(missed.count) keep local names until Claude answers"
        )
    }

    /// The latest successful run's clusters (with stand-ins for merged topics it no longer has, see
    /// `CurationApplier.standIns`), memberships and k: what stable ids and lineage are matched against.
    private func previousClustering(curation: CurationApplier) throws -> PreviousClustering {
        guard let latest = try context.store.latestSuccessfulRun() else { return .none }
        let clusters = try context.store.clusters(runID: latest.id)
        return PreviousClustering(
            clusters: clusters + curation.standIns(for: clusters, runID: latest.id),
            assignments: try context.store.assignments(runID: latest.id),
            k: latest.metrics?.k
        )
    }

    /// After a finished run: refresh the counters that depend on it.
    private func finishBookkeeping(_ run: ClusteringRun) throws {
        let bound = run.inputs.snapshotAnalyzedBefore
        let unprocessedAfter =
            run.status == .succeeded
            ? try context.store.countAnalyses(analyzedAfter: bound, embedder: context.embedder.identifier) : nil
        let newAfter = try context.store.countAnalyses(analyzedAfter: bound, embedder: context.embedder.identifier)
        context.state.withLock { state in
            state.lastRun = RunSummary(run)
            if run.status == .succeeded { state.latestSuccessfulRun = RunSummary(run) }
            if let unprocessedAfter { state.unprocessed = unprocessedAfter }
            state.newSinceLastAttempt = newAfter
        }
    }
}
