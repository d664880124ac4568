import ClusterdCore
import Foundation

extension MongoStore {
    /// The host message with this id: tried as an ObjectId first when it is 24 hex digits, then as a string.
    public func message(id text: String) throws -> MessageRecord? {
        try withCollection(configuration.messagesCollection) { messages in
            for candidate in RecordID.candidates(for: text) {
                if let document = try messages.findOne(["_id": BSONValue(candidate)]) {
                    return StoreCodec.message(document)
                }
            }
            return nil
        }
    }

    /// Up to `limit` host message ids that have no analysis with an embedding, leaving out messages already
    /// attempted `maxAttempts` times or marked failed. Pages through `messages` in `_id` order.
    public func unanalysedMessageIDs(limit: Int, maxAttempts: Int) throws -> [RecordID] {
        guard limit > 0 else { return [] }
        let batchSize = 500
        return try withCollection(configuration.analysesCollection) { analyses in
            try withCollection(configuration.messagesCollection) { messages in
                var found: [RecordID] = []
                var batch: [RecordID] = []

                func subtract() throws {
                    defer { batch.removeAll(keepingCapacity: true) }
                    guard !batch.isEmpty else { return }
                    let filter: BSONDocument = [
                        "_id": .document(["$in": .array(batch.map { BSONValue($0) })]),
                        "$or": .array([
                            .document(["embedding": .document(["$exists": .bool(true)])]),
                            .document(["failed": .bool(true)]),
                            .document(["attempts": .document(["$gte": BSONValue(maxAttempts)])]),
                        ]),
                    ]
                    var done = Set<RecordID>()
                    try analyses.forEach(filter, options: ["projection": .document(["_id": .int32(1)])]) { document in
                        if let id = document["_id"]?.recordID { done.insert(id) }
                        return true
                    }
                    for id in batch where !done.contains(id) && found.count < limit { found.append(id) }
                }

                let options: BSONDocument = [
                    "projection": .document(["_id": .int32(1)]),
                    "sort": .document(["_id": .int32(1)]),
                    "batchSize": .int32(Int32(batchSize)),
                ]
                try messages.forEach([:], options: options) { document in
                    if let id = document["_id"]?.recordID { batch.append(id) }
                    if batch.count >= batchSize { try subtract() }
                    return found.count < limit
                }
                if found.count < limit { try subtract() }
                return found
            }
        }
    }

    /// Inserts host-shaped messages (for demos and tests only: `messages` belongs to the host).
    public func insertHostMessages(_ messages: [MessageRecord]) throws {
        guard !messages.isEmpty else { return }
        try withCollection(configuration.messagesCollection) { collection in
            try collection.insertMany(messages.map(StoreCodec.document))
        }
    }

    /// Inserts host-shaped conversations `{_id, created_at}` (for demos and tests only).
    public func insertHostConversations(ids: [RecordID], createdAt: Date) throws {
        guard !ids.isEmpty else { return }
        try withCollection(configuration.conversationsCollection) { collection in
            try collection.insertMany(ids.map { ["_id": BSONValue($0), "created_at": .date(createdAt)] })
        }
    }
}
