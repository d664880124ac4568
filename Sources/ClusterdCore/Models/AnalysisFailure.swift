/// Why analysing one message failed, to record on its analysis document.
public struct AnalysisFailure: Sendable, Equatable {
    /// The message.
    public var messageID: RecordID
    /// Its conversation, when known (written on a new document).
    public var conversationID: RecordID?
    /// What went wrong (stored as `last_error`).
    public var reason: String
    /// Gives the message up (`failed: true`): the sweep stops retrying it.
    public var final: Bool

    /// Creates a failure record.
    public init(messageID: RecordID, conversationID: RecordID?, reason: String, final: Bool) {
        self.messageID = messageID
        self.conversationID = conversationID
        self.reason = reason
        self.final = final
    }
}
