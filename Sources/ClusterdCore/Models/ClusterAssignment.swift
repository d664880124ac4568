/// A conversation's place in one run, as stored in `cluster_assignments`.
public struct ClusterAssignment: Sendable, Equatable {
    /// The conversation.
    public var conversationID: RecordID
    /// The run.
    public var runID: RecordID
    /// The cluster's stable id.
    public var stableID: String
    /// Cosine distance from the conversation vector to the cluster centroid.
    public var distance: Double

    /// Creates an assignment.
    public init(conversationID: RecordID, runID: RecordID, stableID: String, distance: Double) {
        self.conversationID = conversationID
        self.runID = runID
        self.stableID = stableID
        self.distance = distance
    }
}
