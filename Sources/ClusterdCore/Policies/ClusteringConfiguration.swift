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
    /// Least centroid cosine for a new cluster to inherit a previous cluster's stable id on position alone.
    public var stableMatchThreshold: Double
    /// Least membership overlap (Jaccard over the conversations both runs clustered) for a new cluster to inherit
    /// a previous cluster's stable id on membership alone.
    public var membershipMatchThreshold: Double
    /// Weight of membership overlap against centroid cosine in the matching score, 0...1.
    public var membershipWeight: Double
    /// A matched cluster keeps its previous name unless its membership overlap falls below this; then it is
    /// re-named from its concepts (it keeps its stable id).
    public var renameBelowOverlap: Double
    /// Share of a cluster's shared members that makes a part count for a split or a merge in the lineage.
    public var lineageShare: Double
    /// With a previous run, the silhouette k rule keeps the previous k unless another k scores higher by more
    /// than this.
    public var kSwitchMargin: Double
    /// A k-means fit started from the previous run's centroids is kept unless a k-means++ start's inertia is
    /// lower by more than this fraction.
    public var warmStartTolerance: Double
    /// Concepts kept per cluster.
    public var topConceptCount: Int
    /// Independent k-means++ starts per k; the lowest inertia wins.
    public var initializations: Int
    /// When set, each k-means start is fitted on a seeded sample of this many conversations per cluster (faiss
    /// trains on 256) and every conversation is then assigned to the fit's centroids once; nil fits every
    /// conversation.
    public var trainingPointsPerCentroid: Int?

    /// Creates a configuration.
    public init(
        seed: UInt64 = 42,
        kRule: KRule = .grid(sampleSize: 3000),
        maxIterations: Int = 50,
        minClusterSize: Int = 1,
        representativeCount: Int = 3,
        stableMatchThreshold: Double = 0.7,
        topConceptCount: Int = 5,
        initializations: Int = 3,
        membershipMatchThreshold: Double = 0.3,
        membershipWeight: Double = 0.5,
        renameBelowOverlap: Double = 0.6,
        lineageShare: Double = 0.25,
        kSwitchMargin: Double = 0.02,
        warmStartTolerance: Double = 0.01,
        trainingPointsPerCentroid: Int? = nil
    ) {
        self.seed = seed
        self.kRule = kRule
        self.maxIterations = maxIterations
        self.minClusterSize = minClusterSize
        self.representativeCount = representativeCount
        self.stableMatchThreshold = stableMatchThreshold
        self.topConceptCount = topConceptCount
        self.initializations = initializations
        self.membershipMatchThreshold = membershipMatchThreshold
        self.membershipWeight = membershipWeight
        self.renameBelowOverlap = renameBelowOverlap
        self.lineageShare = lineageShare
        self.kSwitchMargin = kSwitchMargin
        self.warmStartTolerance = warmStartTolerance
        self.trainingPointsPerCentroid = trainingPointsPerCentroid.map { max(1, $0) }
    }
}
