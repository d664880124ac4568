/// One cluster of a run, as stored in `clusters`.
public struct Cluster: Sendable, Equatable {
    /// The run that produced it.
    public var runID: RecordID
    /// Identity that survives across runs when the cluster is matched to a previous one.
    public var stableID: String
    /// Short human name.
    public var name: String
    /// One sentence describing it.
    public var description: String
    /// Number of conversations.
    public var size: Int
    /// Most distinctive concepts, best first.
    public var topConcepts: [String]
    /// Conversations closest to the centroid.
    public var representativeConversationIDs: [RecordID]
    /// The cluster centre (unit length), for matching in the next run.
    public var centroid: [Float]
    /// Who named it: "local" (from its top concepts) or "claude" (contrastive naming).
    public var nameSource: String
    /// How it relates to the previous run's clusters.
    public var lineage: ClusterLineage
    /// Its level in the topic hierarchy: 0 for base clusters (conversations are assigned to these), 1 for their
    /// parents, and so on up to the top level.
    public var level: Int
    /// The stable id of its parent at `level + 1`; nil at the top level.
    public var parent: String?

    /// Creates a cluster.
    public init(
        runID: RecordID,
        stableID: String,
        name: String,
        description: String,
        size: Int,
        topConcepts: [String],
        representativeConversationIDs: [RecordID],
        centroid: [Float],
        nameSource: String = Cluster.localNameSource,
        lineage: ClusterLineage = .born,
        level: Int = 0,
        parent: String? = nil
    ) {
        self.runID = runID
        self.stableID = stableID
        self.name = name
        self.description = description
        self.size = size
        self.topConcepts = topConcepts
        self.representativeConversationIDs = representativeConversationIDs
        self.centroid = centroid
        self.nameSource = nameSource
        self.lineage = lineage
        self.level = level
        self.parent = parent
    }

    /// `name_source` of a name made from the cluster's top concepts.
    public static let localNameSource = "local"
    /// `name_source` of a hand-curated name (`clusterctl topic rename|pin`) that nothing automatic overwrites: a
    /// cluster with this source, or with `pinned: true` in MongoDB, keeps its name when Claude names catch up.
    public static let pinnedNameSource = "curated"
}
