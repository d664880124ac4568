import ClusterdCore
import Foundation

extension BackgroundClusteringService {
    /// The clusters of a run (latest successful when nil). Blocks on MongoDB: call it off the event loops.
    public func listClusters(runID: String?) throws(ServiceError) -> ClusterListing {
        do {
            let run: ClusteringRun?
            if let runID, !runID.isEmpty {
                run = try RecordID.candidates(for: runID).lazy.compactMap { try self.context.store.run(id: $0) }.first
                guard let run else { throw ServiceError(.notFound, "no clustering run with id \(runID)") }
                _ = run
            } else {
                run = try context.store.latestSuccessfulRun()
            }
            guard let run else { throw ServiceError(.notFound, "no successful clustering run yet") }
            let clusters = try context.store.clusters(runID: run.id)
            return ClusterListing(run: RunSummary(run), clusters: clusters.map(ClusterSummary.init))
        } catch let error as ServiceError {
            throw error
        } catch {
            context.noteStoreFailure(error)
            throw ServiceError(.storeUnavailable, "MongoDB is unavailable: \(error)")
        }
    }

    /// Up to `limit` runs of any status, newest first. Blocks on MongoDB: call it off the event loops.
    public func listRuns(limit: Int) throws(ServiceError) -> [RunSummary] {
        do {
            let runs = try context.store.recentRuns(limit: limit)
            context.noteStoreHealthy()
            return runs.map(RunSummary.init)
        } catch {
            context.noteStoreFailure(error)
            throw ServiceError(.storeUnavailable, "MongoDB is unavailable: \(error)")
        }
    }
}
