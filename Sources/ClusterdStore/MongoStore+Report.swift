import ClusterdCore

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
