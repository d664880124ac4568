/// The base clusters of the latest successful run that new conversations are placed among: their stable ids and
/// unit-length centroids, with the run and the embedder whose vectors they are comparable with.
public struct BaseCentroids: Sendable, Equatable {
    /// The run.
    public var runID: RecordID
    /// The embedder of the run's vectors.
    public var embedder: String
    /// Stable id and centroid of each base cluster (the "Other" bucket left out: its centre means nothing).
    public var clusters: [(stableID: String, centroid: [Float])]

    /// Creates the set.
    public init(runID: RecordID, embedder: String, clusters: [(stableID: String, centroid: [Float])]) {
        self.runID = runID
        self.embedder = embedder
        self.clusters = clusters
    }

    /// Two sets are equal when run, embedder and every stable id and centroid are.
    public static func == (lhs: BaseCentroids, rhs: BaseCentroids) -> Bool {
        lhs.runID == rhs.runID && lhs.embedder == rhs.embedder && lhs.clusters.count == rhs.clusters.count
            && zip(lhs.clusters, rhs.clusters).allSatisfy { $0.stableID == $1.stableID && $0.centroid == $1.centroid }
    }

    /// The nearest cluster to `vector` (unit length) by cosine, with the cosine distance; nil when there is none
    /// of the vector's dimension. Ties go to the first.
    public func nearest(to vector: [Float]) -> (stableID: String, distance: Double)? {
        var best: (stableID: String, similarity: Double)?
        for cluster in clusters where cluster.centroid.count == vector.count {
            let similarity = VectorMath.dot(vector, cluster.centroid)
            if best == nil || similarity > best!.similarity { best = (cluster.stableID, similarity) }
        }
        return best.map { ($0.stableID, max(0, 1 - $0.similarity)) }
    }
}
