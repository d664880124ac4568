import Foundation

/// One entry of the curation audit log (`clusterd_curation_log`): who changed which topic, how, and when.
public struct CurationChange: Sendable, Equatable {
    /// What was done.
    public var action: CurationAction
    /// The topic changed.
    public var stableID: String
    /// The name it was given (rename, pin); empty otherwise.
    public var name: String
    /// The description it was given (rename with one); empty otherwise.
    public var description: String
    /// The surviving topic (merge); empty otherwise.
    public var intoStableID: String
    /// Its name before the change, as the latest successful run showed it (empty when unknown).
    public var previousName: String
    /// Who: "local" when the server has no token, else "token" (the caller authenticated with the server's token),
    /// followed by the client's name from its Hello when it gave one ("token (clusterctl)").
    public var by: String
    /// When.
    public var at: Date

    /// Creates a log entry.
    public init(
        action: CurationAction,
        stableID: String,
        name: String = "",
        description: String = "",
        intoStableID: String = "",
        previousName: String = "",
        by: String,
        at: Date
    ) {
        self.action = action
        self.stableID = stableID
        self.name = name
        self.description = description
        self.intoStableID = intoStableID
        self.previousName = previousName
        self.by = by
        self.at = at
    }
}
