/// One change to the host's `messages` collection, as a change stream reports it.
public enum MessageChange: Hashable, Sendable {
    /// A message was inserted: it needs an analysis.
    case inserted(RecordID)
    /// A message was replaced as a whole, or its `content` updated: its analysis goes and it is analysed again.
    case replaced(RecordID)
    /// A message was deleted: its analysis goes too.
    case deleted(RecordID)

    /// The message's id.
    public var messageID: RecordID {
        switch self {
        case .inserted(let id), .replaced(let id), .deleted(let id): return id
        }
    }
}
