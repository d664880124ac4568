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
    /// attempted `maxAttempts` times or marked failed. Pages through all of `messages` in `_id` order.
    public func unanalysedMessageIDs(limit: Int, maxAttempts: Int) throws -> [RecordID] {
        try unanalysedMessages(after: nil, limit: limit, maxAttempts: maxAttempts).ids
    }

    /// Up to `limit` host message ids greater than `after` (all ids when nil) that have no analysis with an
    /// embedding, leaving out messages already attempted `maxAttempts` times or marked failed, and the last id the
    /// scan accounted for (so the next call can start after it).
    ///
    /// Pages through `messages` in `_id` order, `_id` only, and subtracts the ids with a usable, failed or
    /// given-up analysis in batches of 500 (`$in`, then the `$or` of embedding exists / failed / attempts at the
    /// limit).
    ///
    /// "Greater" is MongoDB's `_id` order, where every string sorts before every ObjectId. `_id` comparisons in
    /// MongoDB only match within one BSON type bracket (`$gt: "<string>"` matches no ObjectId), so after a string the
    /// ObjectIds are asked for explicitly; after an ObjectId only greater ObjectIds follow, and a string id (which
    /// sorts below every ObjectId) is seen only by a scan from the start (`after: nil`).
    public func unanalysedMessages(after: RecordID?, limit: Int, maxAttempts: Int) throws -> SweepPage {
        guard limit > 0 else { return SweepPage(ids: [], scannedThrough: nil, reachedEnd: false) }
        let batchSize = 500
        return try withCollection(configuration.analysesCollection) { analyses in
            try withCollection(configuration.messagesCollection) { messages in
                var found: [RecordID] = []
                var batch: [RecordID] = []
                var scannedThrough: RecordID?
                var stoppedAtLimit = false

                func subtract() throws {
                    defer { batch.removeAll(keepingCapacity: true) }
                    guard !batch.isEmpty else { return }
                    // Two `$match` stages, not one filter: MongoDB merges them into one `_id` index lookup either
                    // way, while SecantusDB (the test server) uses the `_id` index only for a `$match` on `_id`
                    // alone and otherwise scans the whole collection per batch (over 5 s for 500 ids among 10,000
                    // analyses, beyond the socket timeout).
                    let pipeline: [BSONDocument] = [
                        ["$match": .document(["_id": .document(["$in": .array(batch.map { BSONValue($0) })])])],
                        [
                            "$match": .document([
                                "$or": .array([
                                    .document(["embedding": Self.present]),
                                    .document(["failed": .bool(true)]),
                                    .document(["attempts": .document(["$gte": BSONValue(maxAttempts)])]),
                                ])
                            ])
                        ],
                        ["$project": .document(["_id": .int32(1)])],
                    ]
                    var done = Set<RecordID>()
                    try analyses.aggregate(pipeline) { document in
                        if let id = document["_id"]?.recordID { done.insert(id) }
                        return true
                    }
                    for id in batch {
                        if !done.contains(id) {
                            guard found.count < limit else {
                                stoppedAtLimit = true
                                return
                            }
                            found.append(id)
                        }
                        scannedThrough = id
                    }
                }

                let filter = after.map(Self.idsSorting(after:)) ?? [:]
                let options: BSONDocument = [
                    "projection": .document(["_id": .int32(1)]),
                    "sort": .document(["_id": .int32(1)]),
                    "batchSize": .int32(Int32(batchSize)),
                ]
                var exhausted = true
                try messages.forEach(filter, options: options) { document in
                    if let id = document["_id"]?.recordID { batch.append(id) }
                    if batch.count >= batchSize { try subtract() }
                    guard found.count < limit else {
                        exhausted = false
                        return false
                    }
                    return true
                }
                if found.count < limit { try subtract() }
                return SweepPage(
                    ids: found,
                    scannedThrough: scannedThrough,
                    reachedEnd: exhausted && !stoppedAtLimit
                )
            }
        }
    }

    /// A filter for the ids that sort after `id` in MongoDB's `_id` order, of the two id types clusterd reads:
    /// greater ObjectIds after an ObjectId; greater strings and every ObjectId after a string.
    static func idsSorting(after id: RecordID) -> BSONDocument {
        switch id {
        case .objectID:
            return ["_id": .document(["$gt": BSONValue(id)])]
        case .string:
            return [
                "$or": .array([
                    .document(["_id": .document(["$gt": BSONValue(id)])]),
                    .document(["_id": .document(["$gte": .objectID(String(repeating: "0", count: 24))])]),
                ])
            ]
        }
    }

    /// Inserts host-shaped messages (for demos and tests only: `messages` belongs to the host).
    public func insertHostMessages(_ messages: [MessageRecord]) throws {
        guard !messages.isEmpty else { return }
        try withCollection(configuration.messagesCollection) { collection in
            try collection.insertMany(messages.map(StoreCodec.document))
        }
    }

    /// Deletes host messages by id, as the host does (for demos and tests only); returns how many went.
    @discardableResult
    public func deleteHostMessages(ids: [RecordID]) throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try withCollection(configuration.messagesCollection) { collection in
            try collection.deleteMany(["_id": .document(["$in": .array(ids.map { BSONValue($0) })])])
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
