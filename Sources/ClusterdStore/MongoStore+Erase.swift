import ClusterdCore

extension MongoStore {
    /// Deletes the analyses of these messages (their host messages are gone); returns how many were deleted.
    /// Idempotent: an id with no analysis is ignored. One `deleteMany` per 1,000 ids.
    public func deleteAnalyses(messageIDs: [RecordID]) throws -> Int {
        guard !messageIDs.isEmpty else { return 0 }
        return try withCollection(configuration.analysesCollection) { analyses in
            var deleted = 0
            var start = 0
            while start < messageIDs.count {
                let end = min(start + 1000, messageIDs.count)
                let ids = messageIDs[start..<end].map { BSONValue($0) }
                deleted += try analyses.deleteMany(["_id": .document(["$in": .array(ids)])])
                start = end
            }
            return deleted
        }
    }
}

extension MongoStore {
    /// Deletes host messages by id (for demos and tests only: `messages` belongs to the host); returns how many.
    public func deleteHostMessages(ids: [RecordID]) throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try withCollection(configuration.messagesCollection) { messages in
            try messages.deleteMany(["_id": .document(["$in": .array(ids.map { BSONValue($0) })])])
        }
    }

    /// Replaces a host message as a whole (for demos and tests only).
    public func replaceHostMessage(_ message: MessageRecord) throws {
        _ = try withCollection(configuration.messagesCollection) { messages in
            try messages.replaceOne(["_id": BSONValue(message.id)], StoreCodec.document(message))
        }
    }
}
