/// The `_id` of a host-owned or clusterd-owned document: an ObjectId (24 hex digits) or a plain string.
public enum RecordID: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// A BSON ObjectId, held as its 24 lower-case hex digits.
    case objectID(String)
    /// A BSON string id.
    case string(String)

    /// The id as text: hex digits for an ObjectId, the string itself otherwise.
    public var description: String {
        switch self {
        case .objectID(let hex): return hex
        case .string(let text): return text
        }
    }

    /// True when `text` is exactly 24 hex digits, so it may name an ObjectId.
    public static func looksLikeObjectID(_ text: String) -> Bool {
        text.utf8.count == 24
            && text.utf8.allSatisfy { byte in
                (48...57).contains(byte) || (97...102).contains(byte) || (65...70).contains(byte)
            }
    }

    /// Ids a caller's text may stand for, most likely first: ObjectId when it looks like one, then string.
    public static func candidates(for text: String) -> [RecordID] {
        if looksLikeObjectID(text) {
            return [.objectID(text.lowercased()), .string(text)]
        }
        return [.string(text)]
    }

    /// Orders by text, so sorts are deterministic whatever the id kind.
    public static func < (lhs: RecordID, rhs: RecordID) -> Bool {
        lhs.description < rhs.description
    }
}
