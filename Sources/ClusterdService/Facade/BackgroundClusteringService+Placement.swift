import ClusterdCore
import Foundation

extension BackgroundClusteringService {
    /// Where conversation `id` sits: its assignment in the latest successful run, else its provisional placement
    /// (analysed since that run), with its cluster path. `notFound` when there is no successful run yet or the
    /// conversation has neither; `invalidArgument` for an empty or over-long id. Blocks on MongoDB: call it off the
    /// event loops.
    public func conversationCluster(id: String) throws(ServiceError) -> ConversationPlacement {
        guard !id.isEmpty else { throw ServiceError(.invalidArgument, "conversation_id is empty") }
        guard id.unicodeScalars.count <= Self.maxMessageIDLength else {
            throw ServiceError(.invalidArgument, "conversation_id is longer than \(Self.maxMessageIDLength) characters")
        }
        do {
            let store = context.store
            guard let run = try store.latestSuccessfulRun() else {
                throw ServiceError(.notFound, "no successful clustering run yet")
            }
            let candidates = RecordID.candidates(for: id)
            for candidate in candidates {
                guard let assignment = try store.assignment(conversationID: candidate, runID: run.id) else { continue }
                context.noteStoreHealthy()
                return ConversationPlacement(
                    conversationID: id,
                    runID: run.id.description,
                    provisional: false,
                    distance: assignment.distance,
                    assignedAt: nil,
                    path: Self.path(of: assignment.stableID, in: try store.clusters(runID: run.id))
                )
            }
            let provisional = try store.provisionalAssignments(conversationIDs: candidates)
            context.noteStoreHealthy()
            guard let placement = candidates.lazy.compactMap({ provisional[$0] }).first else {
                throw ServiceError(
                    .notFound,
                    "conversation \(id) has no cluster: it is in no run and has no analysed message since the latest"
                )
            }
            return ConversationPlacement(
                conversationID: id,
                runID: placement.runID.description,
                provisional: true,
                distance: placement.distance,
                assignedAt: placement.assignedAt,
                path: Self.path(of: placement.stableID, in: try store.clusters(runID: placement.runID))
            )
        } catch let error as ServiceError {
            throw error
        } catch {
            context.noteStoreFailure(error)
            throw ServiceError(.storeUnavailable, "MongoDB is unavailable: \(error)")
        }
    }

    /// The path of the base cluster `stableID` among a run's clusters: the cluster, then each parent up to the top
    /// level (a cluster the run no longer has gives its id alone). Parents are looked up at the next level, so a
    /// stable id reused across levels cannot loop.
    static func path(of stableID: String, in clusters: [Cluster]) -> [ClusterPathEntry] {
        var byLevelAndID: [Int: [String: Cluster]] = [:]
        for cluster in clusters { byLevelAndID[cluster.level, default: [:]][cluster.stableID] = cluster }
        guard let base = byLevelAndID[0]?[stableID] else {
            return [ClusterPathEntry(stableID: stableID, name: "", level: 0, size: 0)]
        }
        var path: [ClusterPathEntry] = []
        var current: Cluster? = base
        while let cluster = current {
            path.append(
                ClusterPathEntry(
                    stableID: cluster.stableID,
                    name: cluster.name,
                    level: cluster.level,
                    size: cluster.size
                )
            )
            current = cluster.parent.flatMap { byLevelAndID[cluster.level + 1]?[$0] }
        }
        return path
    }
}
