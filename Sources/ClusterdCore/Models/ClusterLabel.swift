/// The name, description and top concepts the namer gives one cluster.
public struct ClusterLabel: Sendable, Equatable {
    /// Short human name ("billing refund · invoice", or "Other").
    public var name: String
    /// One sentence describing the cluster.
    public var description: String
    /// Most distinctive concepts, best first (empty for "Other").
    public var topConcepts: [String]
    /// True for a cluster below the minimum size, which is never named from its members.
    public var isOther: Bool

    /// Creates a label.
    public init(name: String, description: String, topConcepts: [String], isOther: Bool) {
        self.name = name
        self.description = description
        self.topConcepts = topConcepts
        self.isOther = isOther
    }

    /// The label of the small-cluster bucket.
    public static let other = ClusterLabel(
        name: "Other",
        description: "A small group of conversations, below the minimum cluster size, not named for privacy.",
        topConcepts: [],
        isOther: true
    )
}
