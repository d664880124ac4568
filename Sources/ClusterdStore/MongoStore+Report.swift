import ClusterdCore
import Foundation

extension MongoStore {
    /// The text of each conversation's first analysed message (lowest message id), for the topic report's
    /// representative messages: one `$in` read of the analyses by conversation (ids and conversation only), then one
    /// `_id` read of those host messages. Conversations with no analysed message are absent.
    public func firstMessageTexts(conversationIDs: [RecordID]) throws -> [RecordID: String] {
        guard !conversationIDs.isEmpty else { return [:] }
        var first: [RecordID: RecordID] = [:]
        try withCollection(configuration.analysesCollection) { analyses in
            for batch in Self.batches(conversationIDs) {
                let filter: BSONDocument = [
                    "conversation_id": .document(["$in": .array(batch.map { BSONValue($0) })])
                ]
                let options: BSONDocument = ["projection": .document(["conversation_id": .int32(1)])]
                for document in try analyses.find(filter, options: options) {
                    guard let message = document["_id"]?.recordID,
                        let conversation = document["conversation_id"]?.recordID
                    else { continue }
                    if let known = first[conversation], known < message { continue }
                    first[conversation] = message
                }
            }
        }
        let messages = try self.messages(idTexts: first.values.map(\.description))
        var texts: [RecordID: String] = [:]
        for (conversation, message) in first {
            if let record = messages[message.description] { texts[conversation] = record.content }
        }
        return texts
    }
}

extension MongoStore {
    /// The `clusterd_state` document holding the newest report map layouts.
    static let mapLayoutsMarker = "report_map_layouts"

    /// The saved report map layouts, oldest first (one `_id` read).
    public func savedMapLayouts() throws -> [SavedMapLayout] {
        let entries = try progressMarker(Self.mapLayoutsMarker)?["layouts"]?.arrayValue ?? []
        return entries.compactMap { entry in
            guard let document = entry.documentValue, let runID = document["run_id"]?.stringValue else { return nil }
            let ids = document["stable_ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let x = document["x"]?.arrayValue?.compactMap(\.doubleValue) ?? []
            let y = document["y"]?.arrayValue?.compactMap(\.doubleValue) ?? []
            guard ids.count == x.count, ids.count == y.count else { return nil }
            return SavedMapLayout(runID: runID, stableIDs: ids, x: x, y: y)
        }
    }

    /// Replaces the saved layouts with the newest `SavedMapLayout.kept` of `layouts` (oldest first; one upsert).
    public func saveMapLayouts(_ layouts: [SavedMapLayout], now: Date) throws {
        let kept = layouts.suffix(SavedMapLayout.kept).map { layout -> BSONValue in
            .document([
                "run_id": .string(layout.runID),
                "stable_ids": .array(layout.stableIDs.map { .string($0) }),
                "x": .array(layout.x.map { .double($0) }),
                "y": .array(layout.y.map { .double($0) }),
            ])
        }
        try saveProgressMarker(Self.mapLayoutsMarker, fields: ["layouts": .array(Array(kept))], now: now)
    }
}
