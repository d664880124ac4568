import ClusterdCore
import Foundation

extension BackgroundClusteringService {
    /// Rebuilds the in-memory counters from MongoDB and abandons runs a dead process left `running`.
    /// Runs on the maintenance lane; retried by each tick until it succeeds.
    func loadState() {
        do {
            try store.ensureIndexes()
            let abandoned = try store.abandonRunningRuns(
                reason: "the clusterd process that ran it stopped before it finished",
                now: now()
            )
            if abandoned > 0 { logger.warning("Marked \(abandoned) interrupted clustering run(s) as abandoned") }
            let lastRun = try store.latestRun()
            let successful = try store.latestSuccessfulRun()
            let analyzed = try store.countAnalyses(analyzedAfter: nil)
            let failed = try store.countFailed()
            let unprocessed = try store.countAnalyses(analyzedAfter: successful?.inputs.snapshotAnalyzedBefore)
            // An abandoned run consumed nothing: what it was clustering is still new, so the message rule
            // re-runs it now instead of waiting for the time threshold.
            let sinceAttempt =
                lastRun?.status == .abandoned
                ? unprocessed : try store.countAnalyses(analyzedAfter: lastRun?.inputs.snapshotAnalyzedBefore)
            state.withLock { state in
                state.lastRun = lastRun.map(RunSummary.init)
                state.latestSuccessfulRun = successful.map(RunSummary.init)
                state.lastSnapshot = max(state.lastSnapshot, lastRun?.inputs.snapshotAnalyzedBefore ?? .distantPast)
                state.analyzedTotal = analyzed
                state.failedTotal = failed
                state.unprocessed = unprocessed
                state.newSinceLastAttempt = sinceAttempt
                state.loaded = true
            }
            restoreLLMUsage()
            analysisQueue.isSuspended = false
            clusteringQueue.isSuspended = false
            noteStoreHealthy()
        } catch {
            noteStoreFailure(error)
        }
    }

    /// The timer's work: load state if not yet loaded, sweep for missed messages, check the trigger rules.
    func tick() {
        let (loaded, stopping, degraded) = state.withLock { ($0.loaded, $0.stopping, $0.storeDegraded) }
        if stopping { return }
        if !loaded {
            loadState()
            guard state.withLock({ $0.loaded }) else { return }
        } else if degraded {
            do {
                try store.ping()
                noteStoreHealthy()
            } catch {
                noteStoreFailure(error)
                return
            }
        }
        if configuration.trigger.enabled { sweep() }
        persistLLMUsage()
        checkTriggers()
    }

    /// Finds host messages with no analysis (never triggered, refused, or lost in a crash) and queues them.
    func sweep() {
        let room = state.withLock { configuration.queueCapacity - $0.pending.count }
        guard room > 0 else { return }
        let ids: [RecordID]
        do {
            ids = try store.unanalysedMessageIDs(
                limit: min(room, configuration.sweepBatchSize),
                maxAttempts: configuration.maxAttempts
            )
            noteStoreHealthy()
        } catch {
            noteStoreFailure(error)
            return
        }
        var queued: [String] = []
        state.withLock { state in
            for id in ids where !state.pending.contains(id.description) {
                guard state.pending.count < configuration.queueCapacity else { break }
                state.pending.insert(id.description)
                queued.append(id.description)
            }
            state.sweptTotal += queued.count
        }
        if !queued.isEmpty { logger.info("Catch-up sweep queued \(queued.count) unanalysed message(s)") }
        for id in queued { enqueueAnalysis(id, attempt: configuration.notFoundRetryDelays.count) }
    }

    /// Evaluates the trigger rules from memory and schedules a clustering when they say so. While a backlog of
    /// analyses is pending, an automatic run waits for it to drain (at most `backlogDeferSeconds`), so a burst of
    /// messages gives one run instead of one per few messages.
    func checkTriggers() {
        let (decision, schedule): (TriggerDecision, Bool) = state.withLock { state in
            let current = now()
            let decision = policy.evaluate(inputs(state), now: current)
            guard decision.runAutomatically, state.loaded, !state.stopping, !state.clusteringScheduled,
                !state.clusteringInProgress
            else { return (decision, false) }
            if !state.pending.isEmpty {
                let since = state.deferredSince ?? current
                state.deferredSince = since
                if current.timeIntervalSince(since) < configuration.backlogDeferSeconds { return (decision, false) }
            }
            state.deferredSince = nil
            state.clusteringScheduled = true
            return (decision, true)
        }
        if schedule { scheduleClustering(reason: decision.reason, forced: false) }
    }
}
