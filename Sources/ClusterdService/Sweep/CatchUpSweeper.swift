import ClusterdCore
import Foundation

/// The catch-up sweeper: finds host messages with no analysis (never triggered, refused, or lost in a crash) and
/// puts them on the analysis lane. Its state and rules are `ServiceState.sweep` (a `SweepState`); it runs on the
/// maintenance lane, in each tick.
final class CatchUpSweeper: Sendable {
    let context: ServiceContext
    /// Where found messages go.
    let analysis: AnalysisLane

    init(context: ServiceContext, analysis: AnalysisLane) {
        self.context = context
        self.analysis = analysis
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
    /// `ServiceContext.requestFullSweep()`): a trigger refused because the queue was full, an analysis ended by MongoDB being
    /// unavailable or by a failure that was not final, MongoDB reachable again.
    ///
    /// What only the full sweeps find: ids a host inserts below the watermark without triggering them — random
    /// strings such as UUIDs, ObjectIds from another machine's clock, and, with mixed id types, any string id once the
    /// watermark is an ObjectId (MongoDB sorts every string before every ObjectId, and `_id` comparisons match within
    /// one BSON type bracket only; the store adds the ObjectIds explicitly after a string watermark). The next full
    /// sweep finds them, at most `fullSweepSeconds` later.
    func sweep() {
        let current = context.now()
        let planned: (room: Int, plan: SweepState.Plan)? = context.state.withLock { state in
            let room = context.configuration.queueCapacity - state.pending.count
            guard room > 0 else { return nil }
            return (room, state.sweep.plan(now: current))
        }
        guard let (room, plan) = planned else { return }
        let started = DispatchTime.now().uptimeNanoseconds
        let page: SweepPage
        do {
            page = try context.store.unanalysedMessages(
                after: plan.after,
                limit: min(room, context.configuration.sweepBatchSize),
                maxAttempts: context.configuration.maxAttempts
            )
            context.noteStoreHealthy()
        } catch {
            context.noteStoreFailure(error)
            return
        }
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        context.metrics.recordSweep(full: plan.after == nil)
        let accounting = context.state.withLock { state in
            let accounting = state.sweep.account(
                page,
                after: plan.after,
                pending: &state.pending,
                capacity: context.configuration.queueCapacity
            )
            state.sweptTotal += accounting.queued.count
            return accounting
        }
        let queued = accounting.queued
        let kind = plan.after.map { "Incremental catch-up sweep after \($0)" } ?? "Full catch-up sweep"
        let end = page.reachedEnd ? "the end" : "its limit"
        let took = String(format: "%.1f", milliseconds)
        let mark = accounting.watermark?.description ?? "none"
        context.logger.debug(
            "\(kind): \(page.ids.count) unanalysed, \(queued.count) queued, stopped at \(end) in \(took) ms; watermark \(mark)"
        )
        if !queued.isEmpty { context.logger.info("Catch-up sweep queued \(queued.count) unanalysed message(s)") }
        for id in queued { analysis.enqueue(id, attempt: context.configuration.notFoundRetryDelays.count) }
    }
}
