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
            metrics.recordRuns(.abandoned, count: abandoned)
            let automaticStarts = try recentAutomaticRunStarts()
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
                state.automaticRunStarts = automaticStarts
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

    /// Start times of the automatic runs of the last hour, from MongoDB (so a restart does not reset the hourly
    /// cap); none are read when there is no cap.
    private func recentAutomaticRunStarts() throws -> [Date] {
        guard let cap = configuration.schedule.maxAutomaticRunsPerHour else { return [] }
        let since = now().addingTimeInterval(-3600)
        return try store.recentRuns(limit: cap + 64)
            .filter { $0.createdAt > since && !$0.triggerReason.hasPrefix(Self.forcedReason) }
            .map(\.createdAt)
    }

    /// The trigger reason of ForceClustering runs (and their follow-ups).
    static let forcedReason = "forced by operator"

    /// The timer's work: load state if not yet loaded, sweep for missed messages, check the trigger rules.
    func tick() {
        let (loaded, stopping, degraded) = state.read { ($0.loaded, $0.stopping, $0.storeDegraded) }
        if stopping { return }
        if !loaded {
            loadState()
            guard state.read({ $0.loaded }) else { return }
        } else if degraded {
            do {
                try store.ping()
                noteStoreHealthy()
            } catch {
                noteStoreFailure(error)
                return
            }
        }
        if configuration.trigger.enabled {
            sweep()
        } else if !degraded {
            // Nothing else reads MongoDB while idle: a ping keeps readiness and clusterd_store_up current.
            do {
                try store.ping()
            } catch {
                noteStoreFailure(error)
                return
            }
        }
        persistLLMUsage()
        checkTriggers()
    }

    /// Finds host messages with no analysis (never triggered, refused, or lost in a crash) and queues them.
    ///
    /// Incremental, with a watermark: a sweep scans only the message ids above the last id an earlier sweep
    /// accounted for (analysed, failed, given up or queued), so a tick reads the new messages, not all of them. When
    /// a sweep stops at its limit (queue room, `sweepBatchSize`) the watermark stops at the last id it accounted
    /// for, and the next sweep goes on from there.
    ///
    /// A full sweep (from the first id) runs at start-up (the watermark lives in memory only), every
    /// `fullSweepSeconds`, and after any event that may leave an unanalysed message below the watermark (see
    /// `requestFullSweep()`): a trigger refused because the queue was full, an analysis ended by MongoDB being
    /// unavailable or by a failure that was not final, MongoDB reachable again.
    ///
    /// What only the full sweeps find: ids a host inserts below the watermark without triggering them — random
    /// strings such as UUIDs, ObjectIds from another machine's clock, and, with mixed id types, any string id once the
    /// watermark is an ObjectId (MongoDB sorts every string before every ObjectId, and `_id` comparisons match within
    /// one BSON type bracket only; the store adds the ObjectIds explicitly after a string watermark). The next full
    /// sweep finds them, at most `fullSweepSeconds` later.
    func sweep() {
        let current = now()
        let planned: (room: Int, plan: SweepState.Plan)? = state.withLock { state in
            let room = configuration.queueCapacity - state.pending.count
            guard room > 0 else { return nil }
            return (room, state.sweep.plan(now: current))
        }
        guard let (room, plan) = planned else { return }
        let started = DispatchTime.now().uptimeNanoseconds
        let page: SweepPage
        do {
            page = try store.unanalysedMessages(
                after: plan.after,
                limit: min(room, configuration.sweepBatchSize),
                maxAttempts: configuration.maxAttempts
            )
            noteStoreHealthy()
        } catch {
            noteStoreFailure(error)
            return
        }
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        metrics.recordSweep(full: plan.after == nil)
        let accounting = state.withLock { state in
            let accounting = state.sweep.account(
                page,
                after: plan.after,
                pending: &state.pending,
                capacity: configuration.queueCapacity
            )
            state.sweptTotal += accounting.queued.count
            return accounting
        }
        let queued = accounting.queued
        let kind = plan.after.map { "Incremental catch-up sweep after \($0)" } ?? "Full catch-up sweep"
        let end = page.reachedEnd ? "the end" : "its limit"
        let took = String(format: "%.1f", milliseconds)
        let mark = accounting.watermark?.description ?? "none"
        logger.debug(
            "\(kind): \(page.ids.count) unanalysed, \(queued.count) queued, stopped at \(end) in \(took) ms; watermark \(mark)"
        )
        if !queued.isEmpty { logger.info("Catch-up sweep queued \(queued.count) unanalysed message(s)") }
        for id in queued { enqueueAnalysis(id, attempt: configuration.notFoundRetryDelays.count) }
    }

    /// Makes the next catch-up sweep a full one: something may have left an unanalysed message below the sweep's
    /// watermark, where incremental sweeps no longer look.
    func requestFullSweep() {
        state.withLock { $0.sweep.fullSweepNeeded = true }
    }

    /// Evaluates the trigger rules from memory and schedules a clustering when they say so and the schedule
    /// (quiet hours, hourly cap, backlog deferral) allows it (see `AutomaticRunRule.check(_:now:)`).
    func checkTriggers() {
        switch state.withLock({ automaticRuns.check(&$0, now: now()) }) {
        case .none: break
        case .hold(let line): logger.info("\(line)")
        case .schedule(let reason): scheduleClustering(reason: reason, forced: false)
        }
    }
}
