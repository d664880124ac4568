import ClusterdCore
import Foundation

extension MongoStore {
    /// Counts one more attempt at analysing a message, before the work starts, and returns the new count.
    /// Creates the analysis document (with `conversation_id` when given) on the first attempt.
    public func beginAttempt(messageID: RecordID, conversationID: RecordID?) throws -> Int {
        var update: BSONDocument = ["$inc": .document(["attempts": .int32(1)])]
        if let conversationID {
            update["$setOnInsert"] = .document(["conversation_id": BSONValue(conversationID)])
        }
        let document = try withCollection(configuration.analysesCollection) { analyses in
            try analyses.findAndModify(["_id": BSONValue(messageID)], update: update, upsert: true, returnNew: true)
        }
        guard let attempts = document?["attempts"]?.intValue else {
            throw StoreError(.internal, "findAndModify returned no attempts for message \(messageID)")
        }
        return attempts
    }

    /// Writes analyses in one unordered bulk upsert keyed by message id; saving the same analysis again
    /// overwrites it (attempts are kept, `last_error` cleared).
    public func saveAnalyses(_ analyses: [MessageAnalysis]) throws {
        guard !analyses.isEmpty else { return }
        let operations = analyses.map { analysis -> (BSONDocument, BSONDocument) in
            (["_id": BSONValue(analysis.messageID)], ["$set": .document(StoreCodec.analysisFields(analysis))])
        }
        _ = try withCollection(configuration.analysesCollection) { collection in
            try collection.bulkUpdateOne(operations, upsert: true)
        }
    }

    /// Records why analysing a message failed; `final` marks it failed so the sweep stops retrying it.
    public func recordFailure(messageID: RecordID, conversationID: RecordID?, error: String, final: Bool) throws {
        var set: BSONDocument = ["last_error": .string(error)]
        if final { set["failed"] = .bool(true) }
        var update: BSONDocument = ["$set": .document(set)]
        if let conversationID {
            update["$setOnInsert"] = .document(["conversation_id": BSONValue(conversationID)])
        }
        _ = try withCollection(configuration.analysesCollection) { analyses in
            try analyses.updateOne(["_id": BSONValue(messageID)], update, upsert: true)
        }
    }

    /// The condition "the field exists": on `embedding`, what makes an analysis usable.
    static let present: BSONValue = .document(["$exists": .bool(true)])

    /// Number of analyses with an embedding, only those analysed after `analyzedAfter` when given.
    public func countAnalyses(analyzedAfter: Date? = nil) throws -> Int {
        var filter: BSONDocument = ["embedding": Self.present]
        if let analyzedAfter { filter["analyzed_at"] = .document(["$gt": .date(analyzedAfter)]) }
        return try withCollection(configuration.analysesCollection) { try $0.count(filter) }
    }

    /// Whether the message has an analysis with an embedding (read by `_id`, nothing returned but the answer).
    public func hasAnalysis(messageID: RecordID) throws -> Bool {
        let filter: BSONDocument = ["_id": BSONValue(messageID), "embedding": Self.present]
        return try withCollection(configuration.analysesCollection) { try $0.count(filter) } > 0
    }

    /// Number of messages given up on (`failed: true`).
    public func countFailed() throws -> Int {
        try withCollection(configuration.analysesCollection) { try $0.count(["failed": .bool(true)]) }
    }

    /// Every analysis with an embedding analysed at or before `bound`, in message-id order (a run's snapshot).
    public func analyses(analyzedAtOrBefore bound: Date) throws -> [MessageAnalysis] {
        let filter: BSONDocument = [
            "embedding": Self.present,
            "analyzed_at": .document(["$lte": .date(bound)]),
        ]
        let options: BSONDocument = ["sort": .document(["_id": .int32(1)]), "batchSize": .int32(1000)]
        var result: [MessageAnalysis] = []
        try withCollection(configuration.analysesCollection) { collection in
            try collection.forEach(filter, options: options) { document in
                if let analysis = StoreCodec.analysis(document) { result.append(analysis) }
                return true
            }
        }
        return result
    }

    /// The stored analysis of one message, if it has an embedding.
    public func analysis(messageID: RecordID) throws -> MessageAnalysis? {
        try withCollection(configuration.analysesCollection) { collection in
            try collection.findOne(["_id": BSONValue(messageID)]).flatMap(StoreCodec.analysis)
        }
    }

    /// Analysis documents and the attempts counted on them (attempts ÷ documents is the re-analysis ratio).
    public func attemptTotals() throws -> (documents: Int, attempts: Int) {
        let documents = try withCollection(configuration.analysesCollection) { analyses in
            try analyses.find([:], options: ["projection": .document(["attempts": .int32(1)])])
        }
        let attempts = documents.reduce(0) { total, document in
            switch document["attempts"] {
            case .int32(let value): return total + Int(value)
            case .int64(let value): return total + Int(value)
            case .double(let value): return total + Int(value)
            default: return total
            }
        }
        return (documents.count, attempts)
    }
}
