import ClusterdCore
import ClusterdEmbedding

/// The nearest of fixed centroids for a block of points at a time: the assignment pass that follows a k-means fit on
/// a sample, so the points are streamed and never all held. Each block is one matrix product (see `NearestCentroid`,
/// scratch bounded), rows are L2-normalised first, ties go to the lower index.
public struct CentroidAssigner: Sendable {
    /// The centroids, in cluster order.
    public let centroids: [[Float]]
    /// The length of every centroid and point.
    public let dimension: Int
    private let flat: [Float]

    /// An assigner to `centroids` (rows of another length than the first are zero-padded or cut to it).
    public init(centroids: [[Float]]) {
        let dimension = centroids.first?.count ?? 0
        self.centroids = centroids
        self.dimension = dimension
        flat = centroids.flatMap { row in
            Array(row.prefix(dimension)) + [Float](repeating: 0, count: max(0, dimension - row.count))
        }
    }

    /// The nearest centroid of each row of `rows` (`dimension` floats each, row-major) and the cosine distance
    /// (1 − cos) to it; empty without centroids.
    public func nearest(rows: [Float]) -> (clusters: [Int], distances: [Double]) {
        guard !centroids.isEmpty, dimension > 0 else { return ([], []) }
        let data = PointMatrix(rows: rows, dimension: dimension)
        var clusters = [Int](repeating: 0, count: data.count)
        var squared = [Double](repeating: 0, count: data.count)
        NearestCentroid.assign(data, centroids: flat, clusterCount: centroids.count, to: &clusters, squared: &squared)
        let centroidNorms = PointMatrix.squaredNorms(flat, count: centroids.count, dimension: dimension)
        let distances = (0..<data.count).map { point in
            1 - (data.squaredNorms[point] + centroidNorms[clusters[point]] - squared[point]) / 2
        }
        return (clusters, distances)
    }
}
