/// Where one cluster comes from, as stored with it and shown by `clusterctl clusters`.
public struct ClusterLineage: Sendable, Equatable {
    /// `merged` when it is the target of a merge, else `split` when it received part of a split, else `continued`
    /// (a previous stable id carries on) or `born`.
    public var kind: LineageKind
    /// Previous stable ids it drew at least the lineage share of its members from, largest share first (its own
    /// previous id first when it continued).
    public var previousStableIDs: [String]
    /// It kept its stable id but was re-named because its membership drifted.
    public var renamed: Bool

    /// Creates a lineage.
    public init(kind: LineageKind, previousStableIDs: [String] = [], renamed: Bool = false) {
        self.kind = kind
        self.previousStableIDs = previousStableIDs
        self.renamed = renamed
    }

    /// A cluster with no past.
    public static let born = ClusterLineage(kind: .born)
}
