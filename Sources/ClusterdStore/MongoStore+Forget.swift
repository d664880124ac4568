import ClusterdCore
import Foundation

/// Erasure: what clusterd derived from messages leaves its collections (data-erasure requests, host messages that
/// were deleted), and the host-message existence checks that find the latter.
///
/// What clusterd keeps that came from a message: its analysis (`message_analyses`, `_id` = message id: concepts,
/// embedding); its conversation's assignments (`cluster_assignments`, one per run) and the conversation id among a
/// cluster's `representative_conversation_ids`; and its concepts, which may be among a cluster's `top_concepts`.
/// Cluster names and descriptions are made from top concepts (locally) or from sample texts (Claude) and are left
/// as they are: the next run names the clusters again. Run documents hold counts and metrics only.
///
/// Reads and deletes go by `_id` in batches of `erasureBatchSize` where they can (the embedded test server uses
/// its `_id` index only for a `$match` on `_id` alone); the other filters (`conversation_id`, `concepts`) scan.
extension MongoStore {
    /// Ids per `$in` lookup or delete. Small on purpose: the embedded test server's `$in` costs grow faster than
    /// the list (10,000 `_id` lookups took 0.97 s in batches of 50, 1.9 s of 100, 5.8 s of 500 and 26 s of 2,000),
    /// while a real MongoDB serves any of these sizes from its `_id` index.
    static let erasureBatchSize = 50

    /// Deletes the analyses of these messages (ids exactly as stored: pass both forms of an id that may be either,
    /// see `RecordID.candidates(for:)`). A conversation left with no analysis that has an embedding is erased as
    /// `forgetConversation(id:)` would (its assignments in every run, its place among representative
    /// conversations), since all it was clustered by is gone; top concepts no remaining analysis has are removed
    /// from every cluster.
    public func forgetMessages(ids: [RecordID]) throws -> ErasureCounts {
        var counts = ErasureCounts()
        var concepts = Set<String>()
        var conversations = Set<RecordID>()
        try withCollection(configuration.analysesCollection) { analyses in
            for batch in Self.batches(ids) {
                let filter: BSONDocument = ["_id": .document(["$in": .array(batch.map { BSONValue($0) })])]
                let projection: BSONDocument = [
                    "projection": .document(["concepts": .int32(1), "conversation_id": .int32(1)])
                ]
                for document in try analyses.find(filter, options: projection) {
                    concepts.formUnion(document["concepts"]?.arrayValue?.compactMap(\.stringValue) ?? [])
                    if let conversation = document["conversation_id"]?.recordID { conversations.insert(conversation) }
                }
                counts.analyses += try analyses.deleteMany(filter)
            }
        }
        try deleteClaims(ids: ids)
        // A provisional placement sums its messages' embeddings: one that counted an erased message goes.
        counts.assignments += try deleteProvisionalAssignments(conversations: Array(conversations))
        let remaining = try conversationsWithAnalyses(among: Array(conversations))
        for conversation in conversations.subtracting(remaining).sorted() {
            counts = counts + (try scrubConversation(conversation))
        }
        counts.clusters += try scrubOrphanedConcepts(concepts)
        return counts
    }

    /// Deletes every analysis of the conversation (`conversation_id` = `id`, as stored), its assignments in every
    /// run and its place among clusters' representative conversations, and the top concepts no remaining analysis
    /// has.
    public func forgetConversation(id: RecordID) throws -> ErasureCounts {
        let filter: BSONDocument = ["conversation_id": BSONValue(id)]
        var concepts = Set<String>()
        var ids: [RecordID] = []
        let erased = try withCollection(configuration.analysesCollection) { analyses in
            for document in try analyses.find(filter, options: ["projection": .document(["concepts": .int32(1)])]) {
                concepts.formUnion(document["concepts"]?.arrayValue?.compactMap(\.stringValue) ?? [])
                if let id = document["_id"]?.recordID { ids.append(id) }
            }
            return try analyses.deleteMany(filter)
        }
        try deleteClaims(ids: ids)
        var counts = try scrubConversation(id)
        counts.assignments += try deleteProvisionalAssignments(conversations: [id])
        counts.analyses = erased
        counts.clusters += try scrubOrphanedConcepts(concepts)
        return counts
    }

    /// Deletes the provisional placements of these conversations, in batches; returns how many went.
    func deleteProvisionalAssignments(conversations: [RecordID]) throws -> Int {
        try withCollection(configuration.provisionalCollection) { placements in
            try Self.batches(conversations).reduce(0) { total, batch in
                total + (try placements.deleteMany(["_id": .document(["$in": .array(batch.map { BSONValue($0) })])]))
            }
        }
    }

    /// Deletes the claims (attempt records) and concept backlog entries of these messages, in batches.
    func deleteClaims(ids: [RecordID]) throws {
        for collection in [configuration.claimsCollection, configuration.conceptBacklogCollection] {
            try withCollection(collection) { claims in
                for batch in Self.batches(ids) {
                    _ = try claims.deleteMany(["_id": .document(["$in": .array(batch.map { BSONValue($0) })])])
                }
            }
        }
    }

    /// Of `ids`, the host messages that exist, only those in `conversations` when given: `_id` `$in` lookups in
    /// batches, `_id` only.
    public func hostMessageIDs(among ids: [RecordID], inConversations conversations: [RecordID]?) throws -> Set<
        RecordID
    > {
        var found = Set<RecordID>()
        try withCollection(configuration.messagesCollection) { messages in
            for batch in Self.batches(ids) {
                var pipeline: [BSONDocument] = [
                    ["$match": .document(["_id": .document(["$in": .array(batch.map { BSONValue($0) })])])]
                ]
                if let conversations {
                    let inConversations: BSONValue = .array(conversations.map { BSONValue($0) })
                    pipeline.append(["$match": .document(["conversation_id": .document(["$in": inConversations])])])
                }
                pipeline.append(["$project": .document(["_id": .int32(1)])])
                try messages.aggregate(pipeline) { document in
                    if let id = document["_id"]?.recordID { found.insert(id) }
                    return true
                }
            }
        }
        return found
    }

    /// Deletes a conversation's assignments in every run and pulls it out of every cluster's representative
    /// conversations.
    private func scrubConversation(_ id: RecordID) throws -> ErasureCounts {
        let assignments = try withCollection(configuration.assignmentsCollection) { collection in
            try collection.deleteMany(["conversation_id": BSONValue(id)])
        }
        let key = "representative_conversation_ids"
        let clusters = try withCollection(configuration.clustersCollection) { collection in
            try collection.updateMany([key: BSONValue(id)], ["$pull": .document([key: BSONValue(id)])]).modified
        }
        return ErasureCounts(assignments: assignments, clusters: clusters)
    }

    /// Of `conversations`, those that still have an analysis with an embedding.
    private func conversationsWithAnalyses(among conversations: [RecordID]) throws -> Set<RecordID> {
        var found = Set<RecordID>()
        try withCollection(configuration.analysesCollection) { analyses in
            for batch in Self.batches(conversations) {
                let pipeline: [BSONDocument] = [
                    [
                        "$match": .document([
                            "conversation_id": .document(["$in": .array(batch.map { BSONValue($0) })]),
                            "embedding": Self.present,
                        ])
                    ],
                    ["$group": .document(["_id": .string("$conversation_id")])],
                ]
                try analyses.aggregate(pipeline) { document in
                    if let id = document["_id"]?.recordID { found.insert(id) }
                    return true
                }
            }
        }
        return found
    }

    /// Removes from every cluster's `top_concepts` those of `concepts` that no remaining analysis has (a concept
    /// other messages share stays); returns how many clusters changed.
    private func scrubOrphanedConcepts(_ concepts: Set<String>) throws -> Int {
        guard !concepts.isEmpty else { return 0 }
        let candidates: BSONValue = .array(concepts.sorted().map { .string($0) })
        var kept = Set<String>()
        try withCollection(configuration.analysesCollection) { analyses in
            let pipeline: [BSONDocument] = [
                ["$match": .document(["concepts": .document(["$in": candidates])])],
                ["$unwind": .string("$concepts")],
                ["$match": .document(["concepts": .document(["$in": candidates])])],
                ["$group": .document(["_id": .string("$concepts")])],
            ]
            try analyses.aggregate(pipeline) { document in
                if let concept = document["_id"]?.stringValue { kept.insert(concept) }
                return true
            }
        }
        let orphaned = concepts.subtracting(kept)
        guard !orphaned.isEmpty else { return 0 }
        let condition: BSONDocument = ["$in": .array(orphaned.sorted().map { .string($0) })]
        return try withCollection(configuration.clustersCollection) { clusters in
            try clusters.updateMany(
                ["top_concepts": .document(condition)],
                ["$pull": .document(["top_concepts": .document(condition)])]
            ).modified
        }
    }

    /// `ids` in slices of at most `erasureBatchSize`.
    static func batches(_ ids: [RecordID]) -> [ArraySlice<RecordID>] {
        slices(ids, of: erasureBatchSize)
    }
}
