/// One cluster as the report shows it: its place in the hierarchy and on the map, its growth, history and lineage.
public struct ReportCluster: Codable, Sendable, Equatable {
    /// The stable id (unique within the run).
    public var stableID: String
    /// Short human name (from Claude or a user: escaped wherever it is written).
    public var name: String
    /// One sentence describing it.
    public var description: String
    /// Its hierarchy level: 0 for base clusters.
    public var level: Int
    /// The parent's stable id; nil at the top level.
    public var parent: String?
    /// Conversations in it.
    public var size: Int
    /// Its size in the previous run; nil when it did not exist then.
    public var previousSize: Int?
    /// Most distinctive concepts, best first.
    public var topConcepts: [String]
    /// A few representative messages, truncated (empty when text is left out).
    public var messages: [String]
    /// Map position (base clusters only; nil above).
    public var x: Double?
    /// Map position (base clusters only; nil above).
    public var y: Double?
    /// Its size in each of the model's history runs, oldest first; nil where it did not exist.
    public var history: [Int?]
    /// born, continued, split or merged.
    public var lineage: String
    /// The previous stable ids it drew from (lineage).
    public var previousStableIDs: [String]
    /// It kept its stable id but was re-named.
    public var renamed: Bool

    /// Creates a report cluster.
    public init(
        stableID: String,
        name: String,
        description: String = "",
        level: Int = 0,
        parent: String? = nil,
        size: Int,
        previousSize: Int? = nil,
        topConcepts: [String] = [],
        messages: [String] = [],
        x: Double? = nil,
        y: Double? = nil,
        history: [Int?] = [],
        lineage: String = "born",
        previousStableIDs: [String] = [],
        renamed: Bool = false
    ) {
        self.stableID = stableID
        self.name = name
        self.description = description
        self.level = level
        self.parent = parent
        self.size = size
        self.previousSize = previousSize
        self.topConcepts = topConcepts
        self.messages = messages
        self.x = x
        self.y = y
        self.history = history
        self.lineage = lineage
        self.previousStableIDs = previousStableIDs
        self.renamed = renamed
    }

    /// Relative growth since the previous run (0.5: half again as many conversations); nil for a new cluster.
    public var growth: Double? {
        guard let previousSize, previousSize > 0 else { return nil }
        return Double(size - previousSize) / Double(previousSize)
    }
}
