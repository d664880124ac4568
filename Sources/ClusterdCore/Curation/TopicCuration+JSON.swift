import Foundation

extension TopicCuration {
    /// The topic's curation as clusterctl `topic log --json` and the HTTP gateway show it: stable_id, name,
    /// description and merged_into (null when not curated), updated_by and updated_at (ISO 8601).
    public var jsonObject: [String: Any] {
        [
            "stable_id": stableID,
            "name": name.map { $0 as Any } ?? NSNull(),
            "description": description.map { $0 as Any } ?? NSNull(),
            "merged_into": mergedInto.map { $0 as Any } ?? NSNull(),
            "updated_by": updatedBy,
            "updated_at": ServiceStatus.isoText(updatedAt),
        ]
    }
}
