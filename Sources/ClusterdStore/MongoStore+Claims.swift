import ClusterdCore
import Foundation

extension MongoStore {
    /// Ids per `$in` query: the embedded server matches each document against the whole `$in` list, so a query's
    /// cost grows with the square of its length (measured: 68 µs per document at 32 ids, 378 at 256, 922 at 512).
    static let inChunk = 32

    /// What clusterd holds for each of these messages: its analysis (embedding left out) and its claim, read with
    /// `$in` queries of `inChunk` ids; messages with neither are absent from the result.
    public func analysisStates(messageIDs: [RecordID]) throws -> [RecordID: AnalysisState] {
        guard !messageIDs.isEmpty else { return [:] }
        let projection: BSONDocument = [
            "analyzed_at": .int32(1), "embedder": .int32(1), "prompt_version": .int32(1), "failed": .int32(1),
        ]
        var states: [RecordID: AnalysisState] = [:]
        try withCollection(configuration.analysesCollection) { analyses in
            try forEachChunk(of: messageIDs, in: analyses, options: ["projection": .document(projection)]) { document in
                if let id = document["_id"]?.recordID { states[id] = StoreCodec.analysisState(document) }
            }
        }
        try withCollection(configuration.claimsCollection) { claims in
            try forEachChunk(of: messageIDs, in: claims) { document in
                guard let id = document["_id"]?.recordID else { return }
                var state = states[id] ?? AnalysisState()
                state.attempts = document["attempts"]?.intValue ?? 0
                state.claimOwner = document["owner"]?.stringValue
                state.claimExpiresAt = document["expires_at"]?.dateValue
                states[id] = state
            }
        }
        return states
    }

    /// Streams the documents of `collection` whose `_id` is one of `ids`, `inChunk` ids per query.
    func forEachChunk(
        of ids: [RecordID],
        in collection: MongoCollection,
        options: BSONDocument = [:],
        _ body: (BSONDocument) throws -> Void
    ) throws {
        for chunk in Self.slices(ids, of: Self.inChunk) {
            let filter: BSONDocument = ["_id": .document(["$in": .array(chunk.map { BSONValue($0) })])]
            try collection.forEach(filter, options: options) { document in
                try body(document)
                return true
            }
        }
    }

    /// `items` in slices of at most `size`.
    static func slices<Element>(_ items: [Element], of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: items.count, by: size).map { items[$0..<min($0 + size, items.count)] }
    }

    /// Of `ids`, those whose analysis document matches `condition`, `inChunk` ids per aggregation.
    ///
    /// Two `$match` stages, not one filter: MongoDB merges them into one `_id` index lookup either way, while the
    /// embedded test server uses the `_id` index only for a `$match` on `_id` alone and otherwise scans the whole
    /// collection per query.
    func analysed(_ ids: [RecordID], matching condition: BSONDocument) throws -> Set<RecordID> {
        var found = Set<RecordID>()
        try withCollection(configuration.analysesCollection) { analyses in
            for chunk in Self.slices(ids, of: Self.inChunk) {
                let pipeline: [BSONDocument] = [
                    ["$match": .document(["_id": .document(["$in": .array(chunk.map { BSONValue($0) })])])],
                    ["$match": .document(condition)],
                    ["$project": .document(["_id": .int32(1)])],
                ]
                try analyses.aggregate(pipeline) { document in
                    if let id = document["_id"]?.recordID { found.insert(id) }
                    return true
                }
            }
        }
        return found
    }

    /// Claims messages for analysis by `owner` until `expiresAt`, counting one attempt started on each, in one
    /// unordered bulk write to the claims collection; returns the ids claimed. `states` is what
    /// `analysisStates(messageIDs:)` read for them (absent: no claim yet).
    ///
    /// Compare-and-set, so two processes never both claim a message: a message never claimed gets an insert (a
    /// second insert of the same `_id` fails), one claimed before an update conditional on the attempts read (if
    /// another process claimed it meanwhile, the filter matches nothing and the upsert collides with the existing
    /// `_id`). The caller decided from `states` that the claim is free, its own or expired (`AnalysisClaimRule`).
    public func claimAnalyses(
        _ messageIDs: [RecordID],
        states: [RecordID: AnalysisState],
        owner: String,
        expiresAt: Date
    ) throws -> Set<RecordID> {
        guard !messageIDs.isEmpty else { return [] }
        let claim: BSONDocument = ["owner": .string(owner), "expires_at": .date(expiresAt)]
        let operations = messageIDs.map { id -> MongoCollection.BulkOperation in
            let attempts = states[id]?.attempts ?? 0
            guard attempts > 0 else {
                var document: BSONDocument = ["_id": BSONValue(id), "attempts": .int32(1)]
                for (key, value) in claim.elements { document.append(key, value) }
                return .insert(document)
            }
            return .updateOne(
                filter: ["_id": BSONValue(id), "attempts": BSONValue(attempts)],
                update: ["$set": .document(claim), "$inc": .document(["attempts": .int32(1)])],
                upsert: true
            )
        }
        let lost = try withCollection(configuration.claimsCollection) { claims in
            try claims.bulkWrite(operations, toleratingDuplicateKeys: true).duplicates
        }
        return Set(messageIDs.enumerated().filter { !lost.contains($0.offset) }.map(\.element))
    }

    /// Records why analysing messages failed, in one bulk write; a final failure marks the message failed so the
    /// sweep stops retrying it.
    public func recordFailures(_ failures: [AnalysisFailure]) throws {
        guard !failures.isEmpty else { return }
        let operations = failures.map { failure -> (BSONDocument, BSONDocument) in
            var set: BSONDocument = ["last_error": .string(failure.reason)]
            if failure.final { set["failed"] = .bool(true) }
            var update: BSONDocument = ["$set": .document(set)]
            if let conversationID = failure.conversationID {
                update["$setOnInsert"] = .document(["conversation_id": BSONValue(conversationID)])
            }
            return (["_id": BSONValue(failure.messageID)], update)
        }
        _ = try withCollection(configuration.analysesCollection) { analyses in
            try analyses.bulkUpdateOne(operations, upsert: true)
        }
    }

    /// Claims and attempts started: claim documents, and the attempts counted on them (attempts ÷ documents is
    /// the re-analysis ratio).
    public func attemptTotals() throws -> (documents: Int, attempts: Int) {
        let documents = try withCollection(configuration.claimsCollection) { claims in
            try claims.find([:], options: ["projection": .document(["attempts": .int32(1)])])
        }
        return (documents.count, documents.reduce(0) { $0 + ($1["attempts"]?.intValue ?? 0) })
    }
}
