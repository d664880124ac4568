import ClusterdCore
import Foundation
import Logging
import Synchronization

/// What every lane shares: the configuration, the store and embedder, the logger, the clock, the metrics and the
/// one lock-guarded state, with the bookkeeping of MongoDB's health and of failures.
final class ServiceContext: Sendable {
    /// The service's settings.
    let configuration: ServiceConfiguration
    /// MongoDB (blocking: call it on the lanes' queues only).
    let store: any ServiceStore
    /// The embedder (blocking: call it on the analysis lane only).
    let embedder: any Embedder
    /// The service's logger.
    let logger: Logger
    /// The service's wall clock (injected by tests).
    let now: @Sendable () -> Date
    /// The in-memory state, behind one lock with a generation that status caching keys on.
    let state: VersionedState
    /// The service's metrics.
    let metrics: ServiceMetrics
    /// Places conversations analysed since the latest run among its base clusters.
    let placer = ProvisionalPlacer()
    /// Assignment exports open between two page requests.
    let exports = ExportCursors()
    /// Called when a full catch-up pass is wanted soon (the sweeper takes a step now, not at the next tick): MongoDB
    /// reachable again, a change stream gap.
    private let sweepWanted = Mutex<@Sendable () -> Void>({})

    init(
        configuration: ServiceConfiguration,
        store: any ServiceStore,
        embedder: any Embedder,
        logger: Logger,
        now: @escaping @Sendable () -> Date,
        metrics: ServiceMetrics
    ) {
        self.configuration = configuration
        self.store = store
        self.embedder = embedder
        self.logger = logger
        self.now = now
        self.metrics = metrics
        var initial = ServiceState(sweep: SweepState(fullSweepSeconds: configuration.fullSweepSeconds))
        initial.replica = ReplicaState(id: configuration.instanceID)
        self.state = VersionedState(initial)
    }

    /// MongoDB failed: status shows the store degraded (logged once until it recovers).
    func noteStoreFailure(_ error: Error) {
        let first = state.withLock { state in
            let first = !state.storeDegraded
            state.storeDegraded = true
            state.lastError = "store: \(error)"
            return first
        }
        if first { logger.error("MongoDB unavailable: \(error)") }
    }

    /// MongoDB answered: the store is no longer degraded, and after an outage the next sweep is full.
    func noteStoreHealthy() {
        let recovered = state.withLock { state in
            let was = state.storeDegraded
            state.storeDegraded = false
            // While MongoDB was down, work may have failed for messages below the sweep's watermark.
            if was { state.sweep.fullSweepNeeded = true }
            return was
        }
        if recovered {
            logger.info("MongoDB reachable again")
            sweepWanted.withLock { $0 }()
        }
    }

    /// An analysis failed: logged, counted, shown as the last error.
    func recordFailed(_ reason: String) {
        logger.warning("\(reason)")
        state.withLock { state in
            state.failedTotal += 1
            state.lastError = reason
        }
    }

    /// A triggered id that no message has, after its retries: counted as failed and remembered in memory (bounded,
    /// expiring), never written to MongoDB.
    func recordUnknown(_ messageID: String, reason: String) {
        state.withLock { $0.unknownIDs.insert(messageID, now: now()) }
        recordFailed(reason)
    }

    /// Makes the next catch-up sweep a full one: something may have left an unanalysed message below the sweep's
    /// watermark, where incremental sweeps no longer look. With `soon`, the pass starts now rather than at the next
    /// tick (for gaps, such as a change stream that restarted from now; not for a failed analysis, whose retry waits
    /// for the tick so a failing message is not retried in a tight loop).
    func requestFullSweep(soon: Bool = false) {
        state.withLock { $0.sweep.fullSweepNeeded = true }
        if soon { sweepWanted.withLock { $0 }() }
    }

    /// Sets what a request for a full pass calls (the sweeper's `stepSoon`).
    func whenFullSweepRequested(_ body: @escaping @Sendable () -> Void) {
        sweepWanted.withLock { $0 = body }
    }
}
