import Foundation

extension CurationOutcome {
    /// The outcome as the HTTP gateway answers a curation call: success (true), change (its `jsonObject`) and
    /// message.
    public var jsonObject: [String: Any] {
        ["success": true, "change": change.jsonObject, "message": message]
    }
}
