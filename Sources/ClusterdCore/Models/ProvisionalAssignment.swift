import Foundation

/// A conversation placed between runs: the latest successful run's nearest base cluster to the mean of the
/// embeddings of its messages analysed since, as stored in `provisional_assignments` (one document per
/// conversation). A run's own assignment of the conversation, when there is one, takes precedence.
public struct ProvisionalAssignment: Sendable, Equatable {
    /// The conversation (the document's `_id`).
    public var conversationID: RecordID
    /// The run whose base clusters it was placed among.
    public var runID: RecordID
    /// The nearest base cluster's stable id.
    public var stableID: String
    /// Cosine distance from the conversation's vector to that cluster's centroid.
    public var distance: Double
    /// When it was placed.
    public var assignedAt: Date
    /// The embedder of the summed embeddings (a sum by another embedder starts over).
    public var embedder: String
    /// The sum of the counted messages' embeddings.
    public var vectorSum: [Float]
    /// The messages counted in the sum (each once).
    public var messageIDs: [RecordID]
    /// How many times the conversation's placement was written, this write included: a write of revision n
    /// replaces only revision n − 1, so two writers never lose each other's messages.
    public var revision: Int

    /// Creates a placement.
    public init(
        conversationID: RecordID,
        runID: RecordID,
        stableID: String,
        distance: Double,
        assignedAt: Date,
        embedder: String,
        vectorSum: [Float],
        messageIDs: [RecordID],
        revision: Int = 1
    ) {
        self.conversationID = conversationID
        self.runID = runID
        self.stableID = stableID
        self.distance = distance
        self.assignedAt = assignedAt
        self.embedder = embedder
        self.vectorSum = vectorSum
        self.messageIDs = messageIDs
        self.revision = revision
    }
}
