/// Settings of a clustering run; every field has a default.
public struct ClusteringConfiguration: Sendable, Equatable {
    /// Seed of k-means++ and of the silhouette sample.
    public var seed: UInt64
    /// How k is chosen.
    public var kRule: KRule
    /// Most Lloyd iterations per k-means start.
    public var maxIterations: Int
    /// Clusters with fewer conversations are merged into "Other" and never named from their members.
    public var minClusterSize: Int
    /// Conversations closest to the centroid reported per cluster.
    public var representativeCount: Int
    /// Least centroid cosine for a new cluster to inherit a previous cluster's stable id and name.
    public var stableMatchThreshold: Double
    /// Concepts kept per cluster.
    public var topConceptCount: Int
    /// Independent k-means++ starts per k; the lowest inertia wins.
    public var initializations: Int

    /// Creates a configuration.
    public init(
        seed: UInt64 = 42,
        kRule: KRule = .silhouette(range: 2...12, sampleSize: 1000),
        maxIterations: Int = 50,
        minClusterSize: Int = 1,
        representativeCount: Int = 3,
        stableMatchThreshold: Double = 0.7,
        topConceptCount: Int = 5,
        initializations: Int = 3
    ) {
        self.seed = seed
        self.kRule = kRule
        self.maxIterations = maxIterations
        self.minClusterSize = minClusterSize
        self.representativeCount = representativeCount
        self.stableMatchThreshold = stableMatchThreshold
        self.topConceptCount = topConceptCount
        self.initializations = initializations
    }
}
