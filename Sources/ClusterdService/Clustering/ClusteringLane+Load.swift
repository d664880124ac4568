import ClusterdClustering
import ClusterdCore
import Foundation

extension ClusteringLane {
    /// Analyses per batch read from the store's cursor.
    static let loadBatchSize = 1_000
    /// Conversations assigned per block of the streaming assignment pass.
    static let assignmentBlock = 4_096

    /// The run's budget for conversation vectors (`CLUSTERD_CLUSTERING_MEMORY_MB`).
    var memoryBudget: ClusteringMemoryBudget {
        ClusteringMemoryBudget(megabytes: context.configuration.clusteringMemoryMB)
    }

    /// The first pass over the snapshot: streams every analysis by the current embedder up to `bound` in batches
    /// (leaving out and erasing those of deleted host messages when `checkingExistence`, see
    /// `withoutDeletedMessages(_:)`) into a collector that keeps, within the memory budget, every conversation or
    /// else a hash sample of them with their concepts. Blocking: runs on the clustering lane only.
    func collectSample(upTo bound: Date, checkingExistence: Bool) throws -> ConversationCollector {
        var collector = ConversationCollector(
            budget: memoryBudget,
            seed: context.configuration.clustering.seed,
            keepsConcepts: true
        )
        try context.store.forEachAnalysisBatch(
            analyzedAtOrBefore: bound,
            embedder: context.embedder.identifier,
            batchSize: Self.loadBatchSize
        ) { batch in
            collector.add(checkingExistence ? try withoutDeletedMessages(batch) : batch)
        }
        return collector
    }

    /// The conversations the sample left out (hash above `sampleBound`), each assigned to the nearest of `clusters`'
    /// centroids, in as many streaming passes over the snapshot as the budget needs (each holds at most a budget's
    /// worth of conversation vectors, then keeps only their assignments). Blocking: runs on the clustering lane only.
    func assignBeyondSample(
        _ sampleBound: UInt64,
        clusters: [Cluster],
        runID: RecordID,
        upTo bound: Date,
        progress: (Double) -> Void
    ) throws -> [ClusterAssignment] {
        guard sampleBound < .max, !clusters.isEmpty else { return [] }
        let assigner = CentroidAssigner(centroids: clusters.map(\.centroid))
        var assignments: [ClusterAssignment] = []
        var lower = sampleBound + 1
        while true {
            var collector = ConversationCollector(
                budget: memoryBudget,
                seed: context.configuration.clustering.seed,
                lowerBound: lower,
                keepsConcepts: false
            )
            try context.store.forEachAnalysisBatch(
                analyzedAtOrBefore: bound,
                embedder: context.embedder.identifier,
                batchSize: Self.loadBatchSize
            ) { collector.add($0) }
            let conversations = collector.conversations()
            for start in stride(from: 0, to: conversations.count, by: Self.assignmentBlock) {
                let block = conversations[start..<min(conversations.count, start + Self.assignmentBlock)]
                let rows = block.flatMap { $0.vector(dimension: assigner.dimension) }
                let nearest = assigner.nearest(rows: rows)
                for (offset, conversation) in block.enumerated() {
                    assignments.append(
                        ClusterAssignment(
                            conversationID: conversation.id,
                            runID: runID,
                            stableID: clusters[nearest.clusters[offset]].stableID,
                            distance: nearest.distances[offset]
                        )
                    )
                }
            }
            progress(Double(collector.upperBound >> 11) / Double(UInt64.max >> 11))
            if collector.reachedEnd { break }
            lower = collector.upperBound + 1
        }
        return assignments
    }

    /// A fit on a sample extended to every conversation: the clusters' sizes and the run's sizes, inertia
    /// (2 × cosine distance per conversation: unit vectors and centroids), churn and adjusted Rand index against the
    /// previous run over all `assignments`; the silhouette (the sample's) and k stay. Assignments name base clusters,
    /// so a parent's size is the sum of its children's, level by level.
    static func completeSampledRun(
        clusters: inout [Cluster],
        metrics: inout RunMetrics,
        assignments: [ClusterAssignment],
        previous: PreviousClustering
    ) {
        var sizes: [String: Int] = [:]
        var inertia: Double = 0
        var before: [String] = []
        var after: [String] = []
        for assignment in assignments {
            sizes[assignment.stableID, default: 0] += 1
            inertia += 2 * max(0, assignment.distance)
            guard let old = previous.assignments[assignment.conversationID] else { continue }
            before.append(old)
            after.append(assignment.stableID)
        }
        for index in clusters.indices where clusters[index].level == 0 {
            clusters[index].size = sizes[clusters[index].stableID] ?? 0
        }
        let top = clusters.map(\.level).max() ?? 0
        for level in stride(from: 1, through: top, by: 1) {
            var sums: [String: Int] = [:]
            for child in clusters where child.level == level - 1 {
                if let parent = child.parent { sums[parent, default: 0] += child.size }
            }
            for index in clusters.indices where clusters[index].level == level {
                clusters[index].size = sums[clusters[index].stableID] ?? 0
            }
        }
        metrics.sizes = clusters.filter { $0.level == 0 }.map(\.size).sorted(by: >)
        metrics.inertia = inertia
        metrics.churn = PartitionAgreement.churn(before, after)
        metrics.adjustedRandIndex = PartitionAgreement.adjustedRandIndex(before, after)
        metrics.comparedConversations = before.count
    }
}
