/// A message waiting on the concept backlog for Claude's concepts, as claimed.
public struct ConceptBacklogEntry: Sendable, Equatable {
    /// The message (and its analysis).
    public var messageID: RecordID
    /// Replies so far that had no valid item for it.
    public var attempts: Int

    /// Creates an entry.
    public init(messageID: RecordID, attempts: Int) {
        self.messageID = messageID
        self.attempts = attempts
    }
}
