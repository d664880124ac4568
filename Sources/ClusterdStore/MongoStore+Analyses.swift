import ClusterdCore
import Foundation

extension MongoStore {
    /// Writes analyses keyed by message id: one unordered bulk insert, then one bulk update of those that already
    /// had a document (a re-analysis, or a message that failed before). Inserts first because they are what a
    /// backfill writes and they cost a fraction of an update (on the embedded server about a quarter); saving the
    /// same analysis again overwrites it, `last_error` cleared.
    public func saveAnalyses(_ analyses: [MessageAnalysis]) throws {
        guard !analyses.isEmpty else { return }
        try withCollection(configuration.analysesCollection) { collection in
            let inserts = analyses.map { analysis -> MongoCollection.BulkOperation in
                var document: BSONDocument = ["_id": BSONValue(analysis.messageID)]
                for (key, value) in StoreCodec.analysisFields(analysis).elements { document.append(key, value) }
                return .insert(document)
            }
            let existing = try collection.bulkWrite(inserts, toleratingDuplicateKeys: true).duplicates
            guard !existing.isEmpty else { return }
            let updates = existing.sorted().map { index -> MongoCollection.BulkOperation in
                let analysis = analyses[index]
                return .updateOne(
                    filter: ["_id": BSONValue(analysis.messageID)],
                    update: ["$set": .document(StoreCodec.analysisFields(analysis))],
                    upsert: true
                )
            }
            _ = try collection.bulkWrite(updates)
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

    /// Streams the analyses `analyses(analyzedAtOrBefore:embedder:)` returns to `body` in batches of at most
    /// `batchSize`, in message-id order, on one cursor walking the `_id` index (one query for the whole pass: the
    /// embedded server sorts per query), so a run holds one batch of embeddings at a time, not all of them.
    public func forEachAnalysisBatch(
        analyzedAtOrBefore bound: Date,
        embedder: String,
        batchSize: Int,
        _ body: ([MessageAnalysis]) throws -> Void
    ) throws {
        let filter: BSONDocument = [
            "embedder": .string(embedder),
            "embedding": Self.present,
            "analyzed_at": .document(["$lte": .date(bound)]),
        ]
        let size = max(1, batchSize)
        let options: BSONDocument = [
            "sort": .document(["_id": .int32(1)]),
            "hint": .document(["_id": .int32(1)]),
            "batchSize": .int32(Int32(clamping: size)),
        ]
        var batch: [MessageAnalysis] = []
        batch.reserveCapacity(size)
        try withCollection(configuration.analysesCollection) { collection in
            try collection.forEach(filter, options: options) { document in
                if let analysis = StoreCodec.analysis(document) { batch.append(analysis) }
                if batch.count >= size {
                    try body(batch)
                    batch.removeAll(keepingCapacity: true)
                }
                return true
            }
        }
        if !batch.isEmpty { try body(batch) }
    }

    /// The stored analysis of one message, if it has an embedding.
    public func analysis(messageID: RecordID) throws -> MessageAnalysis? {
        try withCollection(configuration.analysesCollection) { collection in
            try collection.findOne(["_id": BSONValue(messageID)]).flatMap(StoreCodec.analysis)
        }
    }
}
