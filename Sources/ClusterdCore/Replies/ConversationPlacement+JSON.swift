import Foundation

extension ConversationPlacement {
    /// The placement as clusterctl `conversation --json` and the HTTP gateway show it: conversation_id, run_id,
    /// provisional, distance (null if not finite), assigned_at (ISO 8601, null for a run's own assignment) and path
    /// [{stable_id, name, level, size}], the base cluster first.
    public var jsonObject: [String: Any] {
        [
            "conversation_id": conversationID,
            "run_id": runID,
            "provisional": provisional,
            "distance": distance.isFinite ? distance as Any : NSNull(),
            "assigned_at": assignedAt.map { ServiceStatus.isoText($0) as Any } ?? NSNull(),
            "path": path.map { entry in
                ["stable_id": entry.stableID, "name": entry.name, "level": entry.level, "size": entry.size]
                    as [String: Any]
            },
        ]
    }
}
