import ClusterdCore

/// The outcome of one k-means fit.
public struct KMeansResult: Sendable, Equatable {
    /// Unit-length cluster centres (a zero vector only if a cluster's members cancel out).
    public var centroids: [[Float]]
    /// Cluster index of each point, in input order; every cluster has at least one point when k ≤ n.
    public var assignments: [Int]
    /// Cosine distance (1 − cos) from each point to its centroid.
    public var distances: [Double]
    /// Sum of squared Euclidean distances from the (normalised) points to their centroids.
    public var inertia: Double
    /// Lloyd iterations run by the kept initialisation.
    public var iterations: Int

    /// Creates a result.
    public init(centroids: [[Float]], assignments: [Int], distances: [Double], inertia: Double, iterations: Int) {
        self.centroids = centroids
        self.assignments = assignments
        self.distances = distances
        self.inertia = inertia
        self.iterations = iterations
    }

    /// The number of points in each cluster.
    public var sizes: [Int] {
        var sizes = [Int](repeating: 0, count: centroids.count)
        for cluster in assignments { sizes[cluster] += 1 }
        return sizes
    }
}
