/// What ListCuration returns: the curated topics as they stand and the audit log, newest first.
public struct CurationLog: Sendable, Equatable {
    /// Topics with a kept name or a merge, by stable id.
    public var topics: [TopicCuration]
    /// Changes, newest first.
    public var changes: [CurationChange]

    /// Creates a log.
    public init(topics: [TopicCuration], changes: [CurationChange]) {
        self.topics = topics
        self.changes = changes
    }
}
