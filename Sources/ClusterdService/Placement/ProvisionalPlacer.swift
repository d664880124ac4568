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

    /// Serialises this process's placements (two analysis batches of one conversation would otherwise race).
    private let writing = Mutex<Void>(())

    /// How many times a conversation whose write lost to another replica is read and placed again.
    static let attempts = 4

    /// Places the conversations of `analyses` (just saved) and writes the placements; returns how many were
    /// written. A placement that lost to another writer (`revision` moved on) is read and made again, up to
    /// `attempts` times. Throws the store's error.
    @discardableResult
    func place(_ analyses: [MessageAnalysis], context: ServiceContext) throws -> Int {
        guard let centroids = current, !analyses.isEmpty else { return 0 }
        var pending: [RecordID: [MessageAnalysis]] = [:]
        for analysis in analyses { pending[analysis.conversationID, default: []].append(analysis) }
        return try writing.withLock { _ in
            var written = 0
            for _ in 0..<Self.attempts where !pending.isEmpty {
                let existing = try context.store.provisionalAssignments(conversationIDs: Array(pending.keys))
                let now = context.now()
                let placements = pending.keys.sorted().compactMap { conversation in
                    ProvisionalPlacementRule.place(
                        conversationID: conversation,
                        existing: existing[conversation],
                        analyses: pending[conversation]!,
                        among: centroids,
                        now: now
                    )
                }
                let lost = try context.store.saveProvisionalAssignments(placements)
                written += placements.count - lost.count
                pending = pending.filter { lost.contains($0.key) }
            }
            if !pending.isEmpty {
                context.logger.warning(
                    "Provisional placement of \(pending.count) conversation(s) kept losing to other writers; their next analysis places them"
                )
            }
            return written
        }
    }
}
