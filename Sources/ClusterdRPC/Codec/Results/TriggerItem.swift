/// One message of a batch trigger.
public struct TriggerItem: Sendable, Equatable {
    /// The message's `_id` (ObjectId hex or any string).
    public var messageID: String
    /// Optional; empty when unknown.
    public var conversationID: String

    /// Creates an item.
    public init(messageID: String, conversationID: String = "") {
        self.messageID = messageID
        self.conversationID = conversationID
    }
}
