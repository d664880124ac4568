import ClusterdCore
import Foundation

extension MongoStore {
    /// What `message_analyses` holds for each of these messages (one `$in` read, embeddings left out); messages
    /// with no analysis document are absent from the result.
    public func analysisStates(messageIDs: [RecordID]) throws -> [RecordID: AnalysisState] {
        guard !messageIDs.isEmpty else { return [:] }
        let filter: BSONDocument = ["_id": .document(["$in": .array(messageIDs.map { BSONValue($0) })])]
        let projection: BSONDocument = [
            "attempts": .int32(1), "analyzed_at": .int32(1), "embedder": .int32(1), "prompt_version": .int32(1),
            "failed": .int32(1), "claim": .int32(1),
        ]
        var states: [RecordID: AnalysisState] = [:]
        try withCollection(configuration.analysesCollection) { analyses in
            try analyses.forEach(filter, options: ["projection": .document(projection)]) { document in
                if let id = document["_id"]?.recordID { states[id] = StoreCodec.analysisState(document) }
                return true
            }
        }
        return states
    }

    /// Claims messages for analysis by `owner` until `expiresAt`, counting one attempt on each, in one unordered
    /// bulk write; returns the ids claimed.
    ///
    /// A claim is taken only when the message has no claim, a claim of `owner`'s, or one expired at `now`: each
    /// update's filter says so, and its upsert then collides with the existing document (a duplicate-key write
    /// error) when another process holds a live claim, so two processes never both claim a message.
    public func claimAnalyses(
        _ messages: [(messageID: RecordID, conversationID: RecordID)],
        owner: String,
        now: Date,
        expiresAt: Date
    ) throws -> Set<RecordID> {
        guard !messages.isEmpty else { return [] }
        let operations = messages.map { message -> (BSONDocument, BSONDocument) in
            let filter: BSONDocument = [
                "_id": BSONValue(message.messageID),
                "$or": .array([
                    .document(["claim": .null]),
                    .document(["claim.owner": .string(owner)]),
                    .document(["claim.expires_at": .document(["$lte": .date(now)])]),
                ]),
            ]
            let update: BSONDocument = [
                "$inc": .document(["attempts": .int32(1)]),
                "$set": .document([
                    "claim": .document(["owner": .string(owner), "expires_at": .date(expiresAt)])
                ]),
                "$setOnInsert": .document(["conversation_id": BSONValue(message.conversationID)]),
            ]
            return (filter, update)
        }
        let reply = try withCollection(configuration.analysesCollection) { analyses in
            try analyses.bulkUpdateOne(operations, upsert: true, toleratingDuplicateKeys: true)
        }
        var lost = Set<Int>()
        for error in reply["writeErrors"]?.arrayValue ?? [] {
            if let index = error.documentValue?["index"]?.intValue { lost.insert(index) }
        }
        var claimed = Set<RecordID>()
        for (index, message) in messages.enumerated() where !lost.contains(index) { claimed.insert(message.messageID) }
        return claimed
    }

    /// Records why analysing messages failed, in one bulk write, releasing their claims; a final failure marks the
    /// message failed so the sweep stops retrying it.
    public func recordFailures(_ failures: [AnalysisFailure]) throws {
        guard !failures.isEmpty else { return }
        let operations = failures.map { failure -> (BSONDocument, BSONDocument) in
            var set: BSONDocument = ["last_error": .string(failure.reason)]
            if failure.final { set["failed"] = .bool(true) }
            var update: BSONDocument = ["$set": .document(set), "$unset": .document(["claim": .string("")])]
            if let conversationID = failure.conversationID {
                update["$setOnInsert"] = .document(["conversation_id": BSONValue(conversationID)])
            }
            return (["_id": BSONValue(failure.messageID)], update)
        }
        _ = try withCollection(configuration.analysesCollection) { analyses in
            try analyses.bulkUpdateOne(operations, upsert: true)
        }
    }
}
