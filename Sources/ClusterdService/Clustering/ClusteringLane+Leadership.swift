import ClusterdCore
import Foundation

extension ClusteringLane {
    /// This replica leads clustering now (it holds the lease, and the lease has not run out since its last
    /// renewal): only the leader starts runs.
    var leads: Bool {
        let uptime = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        return context.state.read { $0.replica.isLeader && uptime < $0.replica.leadsUntilUptime }
    }

    /// Hands a forced run to the leader through the store (this replica follows). Blocking: on the lane.
    func forwardForcedRun() {
        let replica = context.state.read { $0.replica }
        do {
            try context.store.requestForcedRun(named: LeaseKeeper.leaseName, by: replica.id, now: context.now())
            context.logger.info("Forced clustering forwarded to the clustering leader, replica \(replica.leader)")
        } catch {
            context.noteStoreFailure(error)
            context.logger.error("Could not forward forced clustering to the leader: \(error)")
        }
    }

    /// A follower's view of the leader's work: the latest run and the latest successful one from the store (so
    /// status shows them), and that run's base centroids for provisional placements when it changed.
    func refreshPublishedRuns() throws {
        let latest = try context.store.latestRun()
        let successful = try context.store.latestSuccessfulRun()
        if let successful, context.placer.current?.runID != successful.id {
            context.placer.refresh(
                runID: successful.id,
                embedder: successful.inputs.embedder,
                clusters: try context.store.clusters(runID: successful.id)
            )
        }
        context.state.withLock { state in
            state.lastRun = latest.map(RunSummary.init)
            state.latestSuccessfulRun = successful.map(RunSummary.init)
            state.lastSnapshot = max(state.lastSnapshot, latest?.inputs.snapshotAnalyzedBefore ?? .distantPast)
        }
    }
}
