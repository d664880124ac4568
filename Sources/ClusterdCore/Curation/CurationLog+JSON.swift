import Foundation

extension CurationLog {
    /// The log as clusterctl `topic log --json` and the HTTP gateway show it: topics (each `TopicCuration`'s
    /// `jsonObject`) and changes, newest first (each `CurationChange`'s `jsonObject`).
    public var jsonObject: [String: Any] {
        ["topics": topics.map(\.jsonObject), "changes": changes.map(\.jsonObject)]
    }
}
