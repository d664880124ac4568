import ClusterdCore
import Foundation
import Synchronization

/// The catch-up sweeper: finds host messages that need analysis (never triggered, refused, lost in a crash, or
/// analysed by another embedder) and puts them on the analysis lane. Its state and rules are `ServiceState.sweep`
/// (a `SweepState`); its steps run on the maintenance lane.
///
/// A pass scans `messages` in `_id` order on one cursor kept open across steps (`MessageScan`), so the store
/// evaluates one query per pass, not one per page. Each step queues at most `sweepBatchSize` messages and examines
/// at most ten times that many ids (a pass over a million analysed messages is paced, not done in one tick); a step
/// runs at each tick and, while a pass is open, again as soon as the queue is at most half full, so a backfill
/// moves at the speed of analysis, not of ticks. The durable position (see `SweepState`) is saved in MongoDB after
/// each step that moved it; a restart resumes from it.
///
/// A pass from the first message runs when no position was saved, every `fullSweepSeconds`, and after any event
/// that may leave an unanalysed message behind the watermark (see `ServiceContext.requestFullSweep()`).
///
/// What only those full passes find: ids a host inserts behind the watermark without triggering them (random
/// strings such as UUIDs, ObjectIds from another machine's clock, and, with mixed id types, any string id once the
/// watermark is an ObjectId: MongoDB sorts every string before every ObjectId).
final class CatchUpSweeper: Sendable {
    let context: ServiceContext
    /// Where found messages go.
    let analysis: AnalysisLane
    /// The open pass's scan, if any.
    private let scan = Mutex<(any MessageScanning)?>(nil)
    /// Puts a step on the maintenance lane.
    private let schedule: @Sendable (@escaping @Sendable () -> Void) -> Void

    init(
        context: ServiceContext,
        analysis: AnalysisLane,
        schedule: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void
    ) {
        self.context = context
        self.analysis = analysis
        self.schedule = schedule
    }

    /// How long a step waits for the scan's reader before it lets the lane go (the reader calls `continueIfRoom()`
    /// when ids arrive).
    static let patience = 1.0

    /// Ids examined per step, at most, as a multiple of `sweepBatchSize`.
    static let examinedPerQueued = 10

    /// One step: finds up to a batch of messages that need analysis and queues them (see the type's comment). A
    /// continuation (`continuing`) only goes on with an open pass; a tick may also start one.
    func sweep(continuing: Bool = false) {
        let current = context.now()
        let planned: (room: Int, plan: SweepState.Plan)? = context.state.withLock { state in
            state.sweep.stepScheduled = false
            let room = context.configuration.queueCapacity - state.pending.count
            guard room > 0, !continuing || state.sweep.passOpen,
                let plan = state.sweep.plan(now: current, followingChanges: state.changeStream == .following)
            else { return nil }
            if plan.restarts { state.sweep.passIsFull = true }
            state.sweep.passOpen = true
            return (room, plan)
        }
        guard let (room, plan) = planned else { return }
        let started = DispatchTime.now().uptimeNanoseconds
        let batch = min(room, context.configuration.sweepBatchSize)
        let page: SweepPage
        do {
            let open = try openScan(plan)
            if open.opened { context.metrics.recordSweep(full: plan.restarts) }
            page = try open.scan.next(
                limit: batch,
                maxExamined: context.configuration.sweepBatchSize * Self.examinedPerQueued,
                embedder: context.embedder.identifier
            )
            if page.reachedEnd { closeScan() }
            context.noteStoreHealthy()
        } catch {
            closeScan()
            context.state.withLock { $0.sweep.passEnded(now: current, completed: false) }
            context.noteStoreFailure(error)
            return
        }
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        let (accounting, unsaved) = context.state.withLock { state in
            let accounting = state.sweep.account(
                page,
                after: plan.after,
                pending: &state.pending,
                capacity: context.configuration.queueCapacity
            )
            if page.reachedEnd { state.sweep.passEnded(now: context.now(), completed: true) }
            state.sweptTotal += accounting.queued.count
            let position = state.sweep.durablePosition
            return (accounting, position == state.sweep.savedPosition ? nil : Optional(position))
        }
        let queued = accounting.queued
        let kind =
            plan.restarts
            ? "Full catch-up pass started" : "Catch-up sweep after \(plan.after?.description ?? "the start")"
        let end = page.reachedEnd ? "the end" : "its limit"
        let took = String(format: "%.1f", milliseconds)
        let mark = accounting.watermark?.description ?? "none"
        context.logger.debug(
            "\(kind): \(page.ids.count) need analysis, \(queued.count) queued, stopped at \(end) in \(took) ms; watermark \(mark)"
        )
        if !queued.isEmpty { context.logger.info("Catch-up sweep queued \(queued.count) unanalysed message(s)") }
        for id in queued { analysis.enqueue(id, attempt: context.configuration.notFoundRetryDelays.count) }
        if let unsaved { save(unsaved) }
    }

    /// Schedules the next step of an open pass when the queue is at most half full (called after each analysis
    /// batch); at most one is scheduled at a time.
    func continueIfRoom() {
        let capacity = context.configuration.queueCapacity
        let go = context.state.withLock { state in
            guard state.sweep.passOpen, !state.sweep.stepScheduled, !state.stopping, state.loaded,
                context.configuration.trigger.enabled, state.pending.count <= capacity / 2
            else { return false }
            state.sweep.stepScheduled = true
            return true
        }
        if go { schedule { [self] in sweep(continuing: true) } }
    }

    /// Schedules a step soon when a full pass was asked for (a trigger refused, analyses MongoDB's outage ended,
    /// MongoDB back): the pass starts then, not at the next tick (which may be far off). Coalesced with a step
    /// already scheduled.
    func stepSoon() {
        let go = context.state.withLock { state in
            guard !state.sweep.stepScheduled, !state.stopping, state.loaded, context.configuration.trigger.enabled
            else { return false }
            state.sweep.stepScheduled = true
            return true
        }
        if go { schedule { [self] in sweep() } }
    }

    /// Closes the open scan (at shutdown, before the store closes).
    func closeScan() {
        scan.withLock { current in
            current?.close()
            current = nil
        }
    }

    /// The scan to read from: the open one, or a new one after the plan's start (a restart replaces it); `opened`
    /// says a pass starts.
    private func openScan(_ plan: SweepState.Plan) throws -> (scan: any MessageScanning, opened: Bool) {
        if plan.restarts { closeScan() }
        if let open = scan.withLock({ $0 }) { return (open, false) }
        let opened = try context.store.openScan(after: plan.after, patience: Self.patience) { [weak self] in
            self?.continueIfRoom()
        }
        scan.withLock { $0 = opened }
        return (opened, true)
    }

    /// Saves the durable position in MongoDB (a failure is only noted: the next step saves it again).
    private func save(_ position: RecordID?) {
        do {
            try context.store.saveSweepPosition(position, now: context.now())
            context.state.withLock { $0.sweep.savedPosition = position }
        } catch {
            context.noteStoreFailure(error)
        }
    }
}
