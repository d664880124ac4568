import ClusterdCore
import Foundation

extension MongoStore {
    /// Writes analyses in one unordered bulk upsert keyed by message id, releasing their claims; saving the same
    /// analysis again overwrites it (attempts are kept, `last_error` cleared).
    public func saveAnalyses(_ analyses: [MessageAnalysis]) throws {
        guard !analyses.isEmpty else { return }
        let operations = analyses.map { analysis -> (BSONDocument, BSONDocument) in
            let update: BSONDocument = [
                "$set": .document(StoreCodec.analysisFields(analysis)),
                "$unset": .document(["claim": .string("")]),
            ]
            return (["_id": BSONValue(analysis.messageID)], update)
        }
        _ = try withCollection(configuration.analysesCollection) { collection in
            try collection.bulkUpdateOne(operations, upsert: true)
        }
    }

    /// The condition "the field exists": on `embedding`, what makes an analysis usable.
    static let present: BSONValue = .document(["$exists": .bool(true)])

    /// Number of analyses with an embedding, only those by `embedder` when given and only those analysed after
    /// `analyzedAfter` when given.
    public func countAnalyses(analyzedAfter: Date? = nil, embedder: String? = nil) throws -> Int {
        var filter: BSONDocument = ["embedding": Self.present]
        if let embedder { filter["embedder"] = .string(embedder) }
        if let analyzedAfter { filter["analyzed_at"] = .document(["$gt": .date(analyzedAfter)]) }
        return try withCollection(configuration.analysesCollection) { try $0.count(filter) }
    }

    /// Number of stale analyses: with an embedding by another embedder than `embedder` (the hashing fallback's while
    /// the model was missing), to be analysed again.
    public func countStaleAnalyses(embedder: String) throws -> Int {
        let filter: BSONDocument = ["embedding": Self.present, "embedder": .document(["$ne": .string(embedder)])]
        return try withCollection(configuration.analysesCollection) { try $0.count(filter) }
    }

    /// Number of messages given up on (`failed: true`).
    public func countFailed() throws -> Int {
        try withCollection(configuration.analysesCollection) { try $0.count(["failed": .bool(true)]) }
    }

    /// Every analysis by `embedder` analysed at or before `bound`, in message-id order (a run's snapshot: analyses
    /// by another embedder live in another vector space and wait to be analysed again).
    public func analyses(analyzedAtOrBefore bound: Date, embedder: String) throws -> [MessageAnalysis] {
        let filter: BSONDocument = [
            "embedder": .string(embedder),
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
