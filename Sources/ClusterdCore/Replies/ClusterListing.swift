/// A run and its clusters, as ListClusters returns them.
public struct ClusterListing: Sendable, Equatable {
    /// The run the clusters belong to.
    public var run: RunSummary
    /// Its clusters, largest first.
    public var clusters: [ClusterSummary]

    /// Creates a listing.
    public init(run: RunSummary, clusters: [ClusterSummary]) {
        self.run = run
        self.clusters = clusters
    }
}

/// One cluster as the wire and the CLI show it.
public struct ClusterSummary: Sendable, Equatable {
    /// Identity across runs.
    public var stableID: String
    /// Short name.
    public var name: String
    /// One sentence.
    public var description: String
    /// Conversations in it.
    public var size: Int
    /// Most distinctive concepts.
    public var topConcepts: [String]
    /// Conversations closest to its centre.
    public var representativeConversationIDs: [String]
    /// How it relates to the previous run's clusters.
    public var lineage: ClusterLineage
    /// Hierarchy level: 0 for base clusters, up to the top level.
    public var level: Int
    /// Stable id of its parent at the next level; nil at the top.
    public var parent: String?

    /// Creates a summary.
    public init(
        stableID: String,
        name: String,
        description: String,
        size: Int,
        topConcepts: [String],
        representativeConversationIDs: [String],
        lineage: ClusterLineage = .born,
        level: Int = 0,
        parent: String? = nil
    ) {
        self.stableID = stableID
        self.name = name
        self.description = description
        self.size = size
        self.topConcepts = topConcepts
        self.representativeConversationIDs = representativeConversationIDs
        self.lineage = lineage
        self.level = level
        self.parent = parent
    }

    /// The summary of a stored cluster.
    public init(_ cluster: Cluster) {
        self.init(
            stableID: cluster.stableID,
            name: cluster.name,
            description: cluster.description,
            size: cluster.size,
            topConcepts: cluster.topConcepts,
            representativeConversationIDs: cluster.representativeConversationIDs.map(\.description),
            lineage: cluster.lineage,
            level: cluster.level,
            parent: cluster.parent
        )
    }
}
