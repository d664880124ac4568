import Foundation

/// Where a conversation sits, as GetConversationCluster returns it: its assignment in the latest successful run,
/// or, for a conversation analysed since that run, its provisional assignment to the run's nearest base cluster.
public struct ConversationPlacement: Sendable, Equatable {
    /// The conversation.
    public var conversationID: String
    /// The run whose clusters it is placed in.
    public var runID: String
    /// Placed between runs (nearest base cluster), not by the run itself.
    public var provisional: Bool
    /// Cosine distance from the conversation's vector to its base cluster's centroid.
    public var distance: Double
    /// When the provisional placement was made; nil for a run's own assignment.
    public var assignedAt: Date?
    /// Its cluster at each level, the base cluster first, then each parent up to the top.
    public var path: [ClusterPathEntry]

    /// Creates a placement.
    public init(
        conversationID: String,
        runID: String,
        provisional: Bool,
        distance: Double,
        assignedAt: Date?,
        path: [ClusterPathEntry]
    ) {
        self.conversationID = conversationID
        self.runID = runID
        self.provisional = provisional
        self.distance = distance
        self.assignedAt = assignedAt
        self.path = path
    }
}
