import ClusterdCore

extension MongoStore {
    /// Deletes the analyses and claims of these messages (their host messages are gone); returns how many
    /// analyses were deleted. Idempotent: an id with no analysis is ignored. Batches of `batches(_:)`.
    public func deleteAnalyses(messageIDs: [RecordID]) throws -> Int {
        guard !messageIDs.isEmpty else { return 0 }
        let deleted = try withCollection(configuration.analysesCollection) { analyses in
            var deleted = 0
            for batch in Self.batches(messageIDs) {
                deleted += try analyses.deleteMany(["_id": .document(["$in": .array(batch.map { BSONValue($0) })])])
            }
            return deleted
        }
        try deleteClaims(ids: messageIDs)
        return deleted
    }
}

extension MongoStore {
    /// Replaces a host message as a whole (for demos and tests only).
    public func replaceHostMessage(_ message: MessageRecord) throws {
        _ = try withCollection(configuration.messagesCollection) { messages in
            try messages.replaceOne(["_id": BSONValue(message.id)], StoreCodec.document(message))
        }
    }

    /// Sets string fields of a host message with an update, as a host editing a message does (for tests only).
    public func updateHostMessage(id: RecordID, setting fields: [String: String]) throws {
        let set = BSONDocument(fields.sorted { $0.key < $1.key }.map { ($0.key, BSONValue.string($0.value)) })
        _ = try withCollection(configuration.messagesCollection) { messages in
            try messages.updateMany(["_id": BSONValue(id)], ["$set": .document(set)])
        }
    }
}
