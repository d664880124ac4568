/// A curation change as a caller asks for it: the CurateTopic call as the RPC codec, the clients and the service
/// carry it. A request on the wire whose action is not a `CurationAction` is refused by the codec (INVALID_ARGUMENT)
/// before it becomes one.
public struct CurationRequest: Sendable, Equatable {
    /// What to do.
    public var action: CurationAction
    /// The topic.
    public var stableID: String
    /// The new name (rename only).
    public var name: String
    /// The new description (rename only; empty keeps the run's own).
    public var description: String
    /// The surviving topic (merge only).
    public var intoStableID: String

    /// Creates a request.
    public init(
        action: CurationAction,
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
