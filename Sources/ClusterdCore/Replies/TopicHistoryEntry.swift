import Foundation

/// One retained successful run as `clusters --history` shows a topic in it: its size and name there (absent when
/// the run has no cluster with the id) and the run's lineage events that name it.
public struct TopicHistoryEntry: Sendable, Equatable {
    /// The run.
    public var runID: String
    /// When the run started.
    public var createdAt: Date
    /// The run has a cluster with the stable id.
    public var present: Bool
    /// Its name in the run (empty when absent).
    public var name: String
    /// Its size in the run (0 when absent).
    public var size: Int
    /// Its level in the run.
    public var level: Int
    /// Its parent's stable id in the run; nil at the top or when absent.
    public var parent: String?
    /// The run's lineage events whose current or previous ids include it.
    public var events: [LineageEvent]

    /// Creates an entry.
    public init(
        runID: String,
        createdAt: Date,
        present: Bool,
        name: String = "",
        size: Int = 0,
        level: Int = 0,
        parent: String? = nil,
        events: [LineageEvent] = []
    ) {
        self.runID = runID
        self.createdAt = createdAt
        self.present = present
        self.name = name
        self.size = size
        self.level = level
        self.parent = parent
        self.events = events
    }
}
