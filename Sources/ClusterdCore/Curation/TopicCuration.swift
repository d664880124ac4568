import Foundation

/// The hand curation of one topic, as stored in `clusterd_curation` (`_id` = the stable id): a kept name, or a
/// merge into another topic.
public struct TopicCuration: Sendable, Equatable {
    /// The topic's stable id.
    public var stableID: String
    /// The name later runs give it (a rename or a pin); nil when its name is not curated.
    public var name: String?
    /// The description later runs give it; nil keeps the run's own.
    public var description: String?
    /// The surviving stable id this topic was merged into; nil when it was not merged.
    public var mergedInto: String?
    /// For a merged topic: its centroid when last seen in a run (before it was combined), so later runs can still
    /// recognise its conversations as it and map them to the survivor; empty when unknown.
    public var absorbedCentroid: [Float] = []
    /// For a merged topic: its hierarchy level.
    public var absorbedLevel: Int = 0
    /// Who made the latest change ("local", or the authenticated caller).
    public var updatedBy: String
    /// When the latest change was made.
    public var updatedAt: Date

    /// Creates a topic's curation.
    public init(
        stableID: String,
        name: String? = nil,
        description: String? = nil,
        mergedInto: String? = nil,
        updatedBy: String,
        updatedAt: Date
    ) {
        self.stableID = stableID
        self.name = name
        self.description = description
        self.mergedInto = mergedInto
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
    }

    /// True when it neither keeps a name nor merges (nothing left to apply).
    public var isEmpty: Bool { name == nil && description == nil && mergedInto == nil }
}
