/// A CurateTopic request as it travels: the action as text (the server refuses one it does not know) and its
/// arguments.
public struct CurateTopicCall: Sendable, Equatable {
    /// "rename", "pin", "unpin" or "merge".
    public var action: String
    /// The topic.
    public var stableID: String
    /// The new name (rename).
    public var name: String
    /// The new description (rename; empty keeps the run's own).
    public var description: String
    /// The surviving topic (merge).
    public var intoStableID: String

    /// Creates a request.
    public init(
        action: String,
        stableID: String,
        name: String = "",
        description: String = "",
        intoStableID: String = ""
    ) {
        self.action = action
        self.stableID = stableID
        self.name = name
        self.description = description
        self.intoStableID = intoStableID
    }
}
