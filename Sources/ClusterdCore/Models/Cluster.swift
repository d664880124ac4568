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
        lineage: ClusterLineage = .born
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
    }

    /// `name_source` of a name made from the cluster's top concepts.
    public static let localNameSource = "local"
}
