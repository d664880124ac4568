import Foundation

/// How a conversation analysed since the latest run is placed (pure; the service stores the result).
///
/// Its vector is the mean of the embeddings of its messages counted so far, re-normalised, as a run computes a
/// conversation's vector; each message counts once (a re-analysis with the same embedder adds nothing), and a sum
/// made with another embedder starts over. It goes to the nearest base cluster of the latest run by cosine.
public enum ProvisionalPlacementRule {
    /// The placement after adding `analyses` (all of `conversationID`) to `existing`, among `centroids`, at `now`;
    /// nil when the analyses are by another embedder than the run's or no cluster has their dimension.
    public static func place(
        conversationID: RecordID,
        existing: ProvisionalAssignment?,
        analyses: [MessageAnalysis],
        among centroids: BaseCentroids,
        now: Date
    ) -> ProvisionalAssignment? {
        let usable = analyses.filter { $0.embedder == centroids.embedder && !$0.embedding.isEmpty }
        guard let dimension = usable.first?.embedding.count else { return nil }
        var sum: [Float]
        var counted: [RecordID]
        if let existing, existing.embedder == centroids.embedder, existing.vectorSum.count == dimension {
            sum = existing.vectorSum
            counted = existing.messageIDs
        } else {
            sum = [Float](repeating: 0, count: dimension)
            counted = []
        }
        var seen = Set(counted)
        for analysis in usable where analysis.embedding.count == dimension && seen.insert(analysis.messageID).inserted {
            for index in 0..<dimension { sum[index] += analysis.embedding[index] }
            counted.append(analysis.messageID)
        }
        guard let nearest = centroids.nearest(to: VectorMath.normalized(sum)) else { return nil }
        return ProvisionalAssignment(
            conversationID: conversationID,
            runID: centroids.runID,
            stableID: nearest.stableID,
            distance: nearest.distance,
            assignedAt: now,
            embedder: centroids.embedder,
            vectorSum: sum,
            messageIDs: counted,
            revision: (existing?.revision ?? 0) + 1
        )
    }
}
