/// One change to the host's `messages` collection, as a change stream reports it.
public enum MessageChange: Hashable, Sendable {
    /// A message was inserted (or replaced as a whole): it needs an analysis.
    case inserted(RecordID)
    /// A message was deleted: its analysis goes too.
    case deleted(RecordID)

    /// The message's id.
    public var messageID: RecordID {
        switch self {
        case .inserted(let id), .deleted(let id): return id
        }
    }
}
