/// What a ``ClusterNameProvider`` sees of one cluster: sampled members' concepts and the nearest other clusters'
/// concepts to tell it apart from. It carries no conversation text and no ids.
public struct ClusterNamingRequest: Sendable, Equatable {
    /// The cluster's stable id (to apply the result; not meant for the model).
    public var stableID: String
    /// Conversations in the cluster.
    public var size: Int
    /// The cluster's most distinctive concepts, best first.
    public var topConcepts: [String]
    /// One concept list per sampled member conversation.
    public var sampledMemberConcepts: [[String]]
    /// Top concepts of the nearest clusters this one is not, nearest first.
    public var contrastConcepts: [[String]]
    /// The local name it has now.
    public var localName: String

    /// Creates a request.
    public init(
        stableID: String,
        size: Int,
        topConcepts: [String],
        sampledMemberConcepts: [[String]],
        contrastConcepts: [[String]],
        localName: String
    ) {
        self.stableID = stableID
        self.size = size
        self.topConcepts = topConcepts
        self.sampledMemberConcepts = sampledMemberConcepts
        self.contrastConcepts = contrastConcepts
        self.localName = localName
    }
}
