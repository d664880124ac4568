/// One cluster on a conversation's path from its base cluster to the top level.
public struct ClusterPathEntry: Sendable, Equatable {
    /// The cluster's stable id.
    public var stableID: String
    /// Its name.
    public var name: String
    /// Its level: 0 for a base cluster, one more for each parent level.
    public var level: Int
    /// Conversations in it (at the run).
    public var size: Int

    /// Creates an entry.
    public init(stableID: String, name: String, level: Int, size: Int) {
        self.stableID = stableID
        self.name = name
        self.level = level
        self.size = size
    }
}
