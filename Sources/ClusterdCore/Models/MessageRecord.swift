import Foundation

/// A host-owned chat message as read from the `messages` collection.
public struct MessageRecord: Sendable, Equatable {
    /// The message's `_id`.
    public var id: RecordID
    /// The conversation it belongs to.
    public var conversationID: RecordID
    /// "user", "assistant", or whatever the host writes.
    public var role: String
    /// The message text.
    public var content: String
    /// When the host created it, if recorded.
    public var createdAt: Date?

    /// Creates a message record.
    public init(id: RecordID, conversationID: RecordID, role: String, content: String, createdAt: Date? = nil) {
        self.id = id
        self.conversationID = conversationID
        self.role = role
        self.content = content
        self.createdAt = createdAt
    }
}
