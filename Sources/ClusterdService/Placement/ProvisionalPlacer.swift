import ClusterdClustering
import ClusterdCore
import Foundation
import Synchronization

/// Places conversations analysed since the latest successful run: after each analysis batch is saved, the batch's
/// conversations go to the run's nearest base cluster (`ProvisionalPlacementRule`), written to
/// `provisional_assignments` in one read and one bulk write per batch, so a new conversation has a topic within
/// moments of its analysis instead of at the next run. Best effort: a failure is logged and the next batch of the
/// conversation places it again. Blocking: called on the analysis lane (and, to refresh, the clustering lane and
/// start-up).
final class ProvisionalPlacer: Sendable {
    /// The latest successful run's base centroids; nil before any run (nothing to place among).
    private let centroids = Mutex<BaseCentroids?>(nil)

    /// The centroids placements are made among now.
    var current: BaseCentroids? {
        centroids.withLock { $0 }
    }

    /// Takes the base clusters of a successful run (`embedder` made its vectors) as what placements are made among.
    func refresh(runID: RecordID, embedder: String, clusters: [Cluster]) {
        let base = clusters.filter {
            $0.level == 0 && !ClusteringEngine.isOther($0.stableID) && !$0.centroid.isEmpty
        }
        let set = BaseCentroids(
            runID: runID,
            embedder: embedder,
            clusters: base.map { (stableID: $0.stableID, centroid: $0.centroid) }
        )
        centroids.withLock { $0 = set.clusters.isEmpty ? nil : set }
    }

    /// Places the conversations of `analyses` (just saved) and writes the placements; returns how many were
    /// written. Throws the store's error.
    @discardableResult
    func place(_ analyses: [MessageAnalysis], context: ServiceContext) throws -> Int {
        guard let centroids = current, !analyses.isEmpty else { return 0 }
        var byConversation: [RecordID: [MessageAnalysis]] = [:]
        for analysis in analyses { byConversation[analysis.conversationID, default: []].append(analysis) }
        let existing = try context.store.provisionalAssignments(conversationIDs: Array(byConversation.keys))
        let now = context.now()
        let placements = byConversation.keys.sorted().compactMap { conversation in
            ProvisionalPlacementRule.place(
                conversationID: conversation,
                existing: existing[conversation],
                analyses: byConversation[conversation]!,
                among: centroids,
                now: now
            )
        }
        try context.store.saveProvisionalAssignments(placements)
        return placements.count
    }
}
