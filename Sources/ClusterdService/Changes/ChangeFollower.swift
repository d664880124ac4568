import ClusterdCore
import ClusterdStore
import Foundation
import Synchronization

/// The change stream lane: follows inserts and deletes on the host's `messages` collection, so a backend that never
/// calls TriggerAnalysis is still served at once.
///
/// Runs on a thread of its own (`clusterd.changes`: every read blocks in libmongoc for up to `maxAwaitSeconds`),
/// started once start-up has loaded. An inserted message goes to the analysis lane as a trigger would (the same
/// `pending` dedupe, so a trigger and the event for one message cause one analysis), but a full queue is waited out
/// instead of refused: the stream applies backpressure and loses nothing. A deleted message's analysis is deleted.
/// The resume token is saved (`ChangeTokenCheckpoint`) only after the events before it were handed over, so a
/// restart resumes where this one stopped; with no saved token the stream starts from now and the catch-up sweep
/// finds older messages. A server without change streams leaves the lane `unsupported` and the service on sweeps.
final class ChangeFollower: Sendable {
    let context: ServiceContext
    /// Where inserted messages go.
    let analysis: AnalysisLane
    /// Longest one read of the stream waits for changes, seconds: how soon the lane notices shutdown.
    let maxAwaitSeconds: Double
    /// Most changes one read hands over.
    static let batchLimit = 1000
    /// Longest pause between two attempts after failures, seconds.
    static let maxBackoffSeconds = 30.0

    /// Longest `start()` waits for the stream's first opening, seconds.
    static let firstOpenWaitSeconds = 5.0

    /// Signalled once the first attempt to open the stream has succeeded or failed.
    private let firstAttempt = DispatchSemaphore(value: 0)

    /// The lane's own thread.
    private let thread = LaneThread(name: "clusterd.changes", qualityOfService: .utility)

    init(context: ServiceContext, analysis: AnalysisLane, maxAwaitSeconds: Double = 1) {
        self.context = context
        self.analysis = analysis
        self.maxAwaitSeconds = maxAwaitSeconds
        let off = context.configuration.changeStream == .off
        context.state.withLock { $0.changeStream = off ? .off : .starting }
    }

    /// Starts following on the lane's thread (once; later calls do nothing) and waits (at most
    /// `firstOpenWaitSeconds`) for the stream's first opening, so the start-up sweep that follows covers everything
    /// written before the stream's start. Call on the maintenance lane after start-up has loaded.
    func start() {
        guard context.configuration.changeStream == .auto else { return }
        guard thread.start({ [self] in follow() }) else { return }
        _ = firstAttempt.wait(timeout: .now() + Self.firstOpenWaitSeconds)
    }

    /// Waits (at most `seconds`) for the lane's thread to end after the service began stopping; true when it ended
    /// (or never started). The lane saves its position before it ends.
    func waitUntilStopped(within seconds: Double) -> Bool {
        thread.waitUntilStopped(within: seconds)
    }

    private var isStopping: Bool { context.state.read { $0.stopping } }

    private var monotonicSeconds: Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// The lane's loop: open, read and hand over until stopping; after a failure, wait (with backoff) and open again
    /// from the last position handed over.
    private func follow() {
        var checkpoint: ChangeTokenCheckpoint?
        var failures = 0
        var attempted = false
        func attemptEnded() {
            guard !attempted else { return }
            attempted = true
            firstAttempt.signal()
        }
        defer { attemptEnded() }
        while !isStopping {
            do {
                if checkpoint == nil {
                    checkpoint = ChangeTokenCheckpoint(
                        saved: try context.store.changeStreamToken(),
                        now: monotonicSeconds
                    )
                }
                guard var current = checkpoint else { continue }
                defer { checkpoint = current }
                try followStream(&current, failures: &failures, first: !attempted, opened: attemptEnded)
            } catch let error as StoreError where error.isChangeStreamUnsupported {
                attemptEnded()
                context.logger.info(
                    "The MongoDB server has no change streams (not a replica set): messages are found by triggers and catch-up sweeps (\(error))"
                )
                setState(.unsupported)
                return
            } catch {
                attemptEnded()
                failures += 1
                noteFailure(error, first: failures == 1)
                pause(seconds: min(Self.maxBackoffSeconds, 0.5 * pow(2, Double(min(failures, 16) - 1))))
            }
        }
        if let token = checkpoint?.unsaved {
            do {
                try context.store.saveChangeStreamToken(token, now: context.now())
            } catch {
                context.logger.warning("Could not save the change stream's position at shutdown: \(error)")
            }
        }
        setState(.stopped)
    }

    /// Opens the stream at the checkpoint's position (`first`: the lane's first attempt, before the start-up sweep),
    /// calls `opened`, and hands its changes over until stopping (returns) or a failure (throws).
    private func followStream(
        _ checkpoint: inout ChangeTokenCheckpoint,
        failures: inout Int,
        first: Bool,
        opened: () -> Void
    ) throws {
        let feed = try open(&checkpoint, first: first)
        defer { feed.close() }
        opened()
        context.logger.info(
            failures > 0
                ? "Change stream on messages following again"
                : "Following inserts and deletes on messages with a change stream"
        )
        failures = 0
        setState(.following)
        context.noteStoreHealthy()
        while !isStopping {
            let batch = try feed.next()
            guard try handOver(batch.changes) else { return }
            if let token = checkpoint.handedOver(batch.changes.count, token: batch.token, now: monotonicSeconds) {
                try context.store.saveChangeStreamToken(token, now: context.now())
                checkpoint.didSave(token, now: monotonicSeconds)
            }
        }
    }

    /// Opens the stream after the checkpoint's position. A position the server cannot resume from is dropped: the
    /// stream starts from now and a full catch-up sweep looks for what changed in between, as it does whenever the
    /// stream starts with no position later than the first attempt (which the start-up sweep follows).
    private func open(_ checkpoint: inout ChangeTokenCheckpoint, first: Bool) throws -> any MessageChangeFeed {
        let token = checkpoint.latest
        let feed: any MessageChangeFeed
        do {
            feed = try context.store.openMessageChanges(
                after: token,
                maxAwaitSeconds: maxAwaitSeconds,
                maxEvents: Self.batchLimit
            )
        } catch let error as StoreError where token != nil && error.isChangeStreamTokenUnusable {
            context.logger.warning(
                "Cannot resume the change stream from its saved position (\(error)); following from now, and a full catch-up sweep looks for what changed in between"
            )
            checkpoint.reset()
            context.requestFullSweep(soon: true)
            return try open(&checkpoint, first: true)
        }
        if token == nil && !first { context.requestFullSweep(soon: true) }
        // Starting from now, deletes before it are not delivered: the next run checks that its messages exist.
        if token == nil { context.state.withLock { $0.followGaps += 1 } }
        return feed
    }

    /// Hands changes over in order: deletes first (one store call), then the inserts not deleted again later in
    /// the batch (`admit(_:)`). False when the service began stopping before every insert was handed over.
    private func handOver(_ changes: [MessageChange]) throws -> Bool {
        guard !changes.isEmpty else { return true }
        var lastDelete: [RecordID: Int] = [:]
        var replaced = Set<RecordID>()
        for (index, change) in changes.enumerated() {
            switch change {
            case .deleted(let id): lastDelete[id] = index
            case .replaced(let id): replaced.insert(id)
            case .inserted: break
            }
        }
        // A replaced message's analysis describes its old content: it goes, and the message is analysed again.
        let stale = Set(lastDelete.keys).union(replaced)
        if !stale.isEmpty {
            let deleted = try context.store.deleteAnalyses(messageIDs: Array(stale))
            if deleted > 0 {
                context.logger.info("Change stream: deleted \(deleted) analysis(es) of deleted or replaced messages")
                context.state.withLock { $0.analyzedTotal = max(0, $0.analyzedTotal - deleted) }
            }
        }
        var inserts: [RecordID] = []
        for (index, change) in changes.enumerated() {
            let id: RecordID
            switch change {
            case .inserted(let inserted): id = inserted
            case .replaced(let edited): id = edited
            case .deleted: continue
            }
            if let deletedAt = lastDelete[id], deletedAt > index { continue }
            inserts.append(id)
        }
        guard try admit(inserts) else { return false }
        var counts: [MetricsKind: Int] = [:]
        for change in changes { counts[MetricsKind(change), default: 0] += 1 }
        for (kind, count) in counts { context.metrics.recordChangeEvents(kind, count: count) }
        context.state.withLock { state in
            state.changeStreamInserts += counts[.inserted, default: 0] + counts[.replaced, default: 0]
            state.changeStreamDeletes += counts[.deleted, default: 0]
        }
        return true
    }

    /// The metric kind of each change.
    private typealias MetricsKind = ServiceMetrics.ChangeEventType

    /// Puts inserted messages on the analysis lane, as many as the queue has room for at a time, waiting (in bounded
    /// slices) while it is full; false when the service began stopping first.
    ///
    /// Each id is first reserved in `pending` (skipped when a trigger or the sweep has it waiting or in flight),
    /// then the reserved ids that already have an analysis are released (one store lookup per group): checked after
    /// the reservation, so an analysis a trigger finished just before is seen, and one it starts after is refused as
    /// `already`. A trigger and the event for one message cause one analysis whichever comes first.
    private func admit(_ ids: [RecordID]) throws -> Bool {
        let capacity = context.configuration.queueCapacity
        let enabled = context.configuration.trigger.enabled
        var reserved: [RecordID] = []
        defer {
            // Reservations not handed over (stopping, a failed lookup): released, the stream delivers them again.
            if !reserved.isEmpty { context.state.withLock { $0.releaseChanges(reserved.map(\.description)) } }
        }
        var waited = false
        for id in ids {
            while true {
                let decision = context.state.withLock {
                    $0.admitChange(messageID: id.description, enabled: enabled, queueCapacity: capacity)
                }
                switch decision {
                case .queued:
                    reserved.append(id)
                case .skipped:
                    break
                case .stopping:
                    return false
                case .full:
                    try enqueueUnanalysed(&reserved)
                    if !waited {
                        context.logger.debug("Change stream: the analysis queue is full; waiting for room")
                        waited = true
                    }
                    context.state.withLock(
                        once: { $0.stopping || $0.pending.count < capacity },
                        orAfter: .milliseconds(500)
                    ) { _ in }
                    continue
                }
                break
            }
        }
        try enqueueUnanalysed(&reserved)
        return true
    }

    /// Releases the reserved ids that already have an analysis and puts the others on the analysis lane.
    private func enqueueUnanalysed(_ reserved: inout [RecordID]) throws {
        guard !reserved.isEmpty else { return }
        let analysed = try context.store.analysedMessageIDs(among: reserved)
        if !analysed.isEmpty { context.state.withLock { $0.releaseChanges(analysed.map(\.description)) } }
        for id in reserved where !analysed.contains(id) { analysis.enqueue(id.description, attempt: 0) }
        reserved.removeAll()
    }

    /// Logs the first failure of a streak, marks the store degraded when MongoDB is unreachable, and shows the error
    /// in the lane's state.
    private func noteFailure(_ error: Error, first: Bool) {
        let unreachable = (error as? StoreError).map { $0.code == .unavailable } ?? true
        if unreachable {
            context.noteStoreFailure(error)
        }
        if first {
            context.logger.warning("Change stream on messages failed; retrying with backoff: \(error)")
        }
        setState(.error("\(error)"))
    }

    /// Waits `seconds`, or less when the service begins stopping.
    private func pause(seconds: Double) {
        context.state.withLock(once: { $0.stopping }, orAfter: .milliseconds(Int(seconds * 1000))) { _ in }
    }

    private func setState(_ state: ChangeStreamState) {
        context.state.withLock { $0.changeStream = state }
    }
}
