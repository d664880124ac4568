/// One entry of a run's lineage: how clusters of the previous run became clusters of this one.
///
/// Every stable id of this run (the "Other" bucket aside) appears in exactly one `born` or `continued` event, and
/// every previous stable id that did not carry on in exactly one `retired` event. `split` and `merged` events
/// describe structure on top of that: a split lists one previous id and the ids of this run that received at least
/// the lineage share of its conversations; a merge lists one id of this run and the previous ids that each gave at
/// least that share of its conversations.
public struct LineageEvent: Sendable, Equatable {
    /// What happened.
    public var kind: LineageKind
    /// Stable ids in this run (empty for `retired`).
    public var stableIDs: [String]
    /// Stable ids in the previous run (empty for `born`).
    public var previousStableIDs: [String]
    /// For `continued`: the cluster was re-named because its membership drifted.
    public var renamed: Bool
    /// For `continued`: Jaccard overlap of the members the two runs share (nil when memberships were unknown).
    public var overlap: Double?

    /// Creates an event.
    public init(
        kind: LineageKind,
        stableIDs: [String],
        previousStableIDs: [String],
        renamed: Bool = false,
        overlap: Double? = nil
    ) {
        self.kind = kind
        self.stableIDs = stableIDs
        self.previousStableIDs = previousStableIDs
        self.renamed = renamed
        self.overlap = overlap
    }
}
