import Foundation

/// One conversation's row of an export: its base cluster in the run, or its provisional placement since.
public struct ExportedAssignment: Sendable, Equatable {
    /// The conversation.
    public var conversationID: String
    /// The base cluster's stable id.
    public var stableID: String
    /// Cosine distance to that cluster's centroid.
    public var distance: Double
    /// Placed after the run (`provisional_assignments`), not by it.
    public var provisional: Bool
    /// When a provisional placement was made; nil for the run's own assignment.
    public var assignedAt: Date?

    /// Creates a row.
    public init(
        conversationID: String,
        stableID: String,
        distance: Double,
        provisional: Bool = false,
        assignedAt: Date? = nil
    ) {
        self.conversationID = conversationID
        self.stableID = stableID
        self.distance = distance
        self.provisional = provisional
        self.assignedAt = assignedAt
    }
}
