import Foundation

extension CurationChange {
    /// The change as clusterctl `topic log --json` and the HTTP gateway show it: action, stable_id, name,
    /// description, into_stable_id, previous_name (each "" when it does not apply), by and at (ISO 8601).
    public var jsonObject: [String: Any] {
        [
            "action": action.rawValue,
            "stable_id": stableID,
            "name": name,
            "description": description,
            "into_stable_id": intoStableID,
            "previous_name": previousName,
            "by": by,
            "at": ServiceStatus.isoText(at),
        ]
    }
}
