import ClusterdCore
import Foundation

extension BackgroundClusteringService {
    /// Rebuilds the in-memory counters from MongoDB and abandons runs a dead process left `running`.
    /// Runs on the maintenance lane; retried by each tick until it succeeds.
    func loadState() {
        do {
            try context.store.ensureIndexes()
            // The first lease round: a replica that leads abandons the runs of earlier leaders (a dead process's).
            try leases.round()
            let automaticStarts = try recentAutomaticRunStarts()
            let lastRun = try context.store.latestRun()
            let successful = try context.store.latestSuccessfulRun()
            if let successful {
                context.placer.refresh(
                    runID: successful.id,
                    embedder: successful.inputs.embedder,
                    clusters: try context.store.clusters(runID: successful.id)
                )
            }
            let embedder = context.embedder.identifier
            let analyzed = try context.store.countAnalyses(analyzedAfter: nil, embedder: embedder)
            let stale = try context.store.countStaleAnalyses(embedder: embedder)
            let failed = try context.store.countFailed()
            let position = try context.store.sweepPosition()
            let unprocessed = try context.store.countAnalyses(
                analyzedAfter: successful?.inputs.snapshotAnalyzedBefore,
                embedder: embedder
            )
            // An abandoned run consumed nothing: what it was clustering is still new, so the message rule
            // re-runs it now instead of waiting for the time threshold.
            let sinceAttempt =
                lastRun?.status == .abandoned
                ? unprocessed
                : try context.store.countAnalyses(
                    analyzedAfter: lastRun?.inputs.snapshotAnalyzedBefore,
                    embedder: embedder
                )
            if stale > 0 {
                context.logger.warning(
                    "\(stale) analyses are by another embedder than \(embedder): they are left out of runs and analysed again by the catch-up sweep"
                )
            }
            let now = context.now()
            context.state.withLock { state in
                state.lastRun = lastRun.map(RunSummary.init)
                state.latestSuccessfulRun = successful.map(RunSummary.init)
                state.lastSnapshot = max(state.lastSnapshot, lastRun?.inputs.snapshotAnalyzedBefore ?? .distantPast)
                state.analyzedTotal = analyzed
                state.staleAnalyses = stale
                state.failedTotal = failed
                // Stale analyses may sit anywhere behind the saved position: a pass from the first message finds them.
                state.sweep.resume(from: stale > 0 ? nil : position, now: now)
                state.unprocessed = unprocessed
                state.newSinceLastAttempt = sinceAttempt
                state.automaticRunStarts = automaticStarts
                state.loaded = true
            }
            llm.restore()
            clustering.schedulePrune()
            analysis.queue.isSuspended = false
            clustering.queue.isSuspended = false
            context.noteStoreHealthy()
            changes.start()
            leases.start()
            llm.backlog?.start()
        } catch {
            context.noteStoreFailure(error)
        }
    }

    /// Start times of the automatic runs of the last hour, from MongoDB (so a restart does not reset the hourly
    /// cap); none are read when there is no cap.
    private func recentAutomaticRunStarts() throws -> [Date] {
        guard let cap = context.configuration.schedule.maxAutomaticRunsPerHour else { return [] }
        let since = context.now().addingTimeInterval(-3600)
        return try context.store.recentRuns(limit: cap + 64)
            .filter { $0.createdAt > since && !$0.triggerReason.hasPrefix(ClusteringLane.forcedReason) }
            .map(\.createdAt)
    }

    /// The timer's work: load state if not yet loaded, sweep for missed messages, check the trigger rules.
    func tick() {
        let (loaded, stopping, degraded) = context.state.read { ($0.loaded, $0.stopping, $0.storeDegraded) }
        if stopping { return }
        if !loaded {
            loadState()
            guard context.state.read({ $0.loaded }) else { return }
        } else if degraded {
            do {
                try context.store.ping()
                context.noteStoreHealthy()
            } catch {
                context.noteStoreFailure(error)
                return
            }
        }
        if context.configuration.trigger.enabled {
            sweeper.sweep()
        } else if !degraded {
            // Nothing else reads MongoDB while idle: a ping keeps readiness and clusterd_store_up current.
            do {
                try context.store.ping()
            } catch {
                context.noteStoreFailure(error)
                return
            }
        }
        llm.persist()
        clustering.checkTriggers()
        clustering.catchUpNames()
    }
}
