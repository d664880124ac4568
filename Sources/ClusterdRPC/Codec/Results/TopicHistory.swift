import ClusterdCore

/// A GetTopicHistory reply: the topic and its entry per retained successful run, newest first.
public struct TopicHistory: Sendable, Equatable {
    /// The stable id asked for.
    public var stableID: String
    /// One entry per run.
    public var entries: [TopicHistoryEntry]

    /// Creates a history.
    public init(stableID: String, entries: [TopicHistoryEntry]) {
        self.stableID = stableID
        self.entries = entries
    }
}
