import ClusterdCore
import Foundation

/// The concept backlog (`concept_backlog`): analyses saved with local concepts that wait for Claude's.
///
/// One document per message: `{_id: message id, queued_at, available_at, owner, claim_token, claims, attempts}`. An entry is
/// claimable while `available_at` ≤ now: a claim sets `owner` and moves `available_at` to the claim's expiry, so
/// an entry whose claimer died becomes claimable again when the claim expires; a failed try moves it to a later
/// retry time. Claims are compare-and-set on the `claims` counter (as the analysis claims are on `attempts`): two
/// replicas never both win an entry. Newest first: claims take the entries that became claimable last (ties by the
/// latest `queued_at`); a message batch takes the oldest.
extension MongoStore {
    /// Puts messages on the backlog (or back on it), claimable from `availableAt` (at once when nil), and lowers the
    /// backlog's floor to a minute before it when that is lower (the minute covers a release at a replica's `now` a
    /// little before another's entry, and clocks a little apart). New entries are inserted, in bulks; only those
    /// already there are updated (an upsert costs the embedded server about two and a half inserts).
    public func enqueueConceptBacklog(
        _ entries: [(messageID: RecordID, queuedAt: Date)],
        availableAt: Date? = nil
    ) throws {
        guard !entries.isEmpty else { return }
        let available = availableAt ?? Date(timeIntervalSince1970: 0)
        try moveConceptBacklogFloor(to: available.addingTimeInterval(-60), lower: true)
        try withCollection(configuration.conceptBacklogCollection) { backlog in
            for slice in Self.bulks(entries) {
                let inserts = slice.map { entry -> MongoCollection.BulkOperation in
                    .insert([
                        "_id": BSONValue(entry.messageID), "queued_at": .date(entry.queuedAt),
                        "available_at": .date(available), "claims": .int32(0), "attempts": .int32(0),
                    ])
                }
                let present = try backlog.bulkWrite(inserts, toleratingDuplicateKeys: true).duplicates
                guard !present.isEmpty else { continue }
                // Back on the backlog: queued and claimable again, no longer anyone's (its counters kept). An
                // upsert: a claimer may have finished the old entry since the insert found it.
                let updates = present.sorted().map { offset -> (BSONDocument, BSONDocument) in
                    let entry = slice[slice.startIndex + offset]
                    return (
                        ["_id": BSONValue(entry.messageID)],
                        [
                            "$set": .document([
                                "queued_at": .date(entry.queuedAt), "available_at": .date(available),
                            ]),
                            "$setOnInsert": .document(["claims": .int32(0), "attempts": .int32(0)]),
                            "$unset": .document(["owner": .string("")]),
                        ]
                    )
                }
                try backlog.bulkUpdateOne(updates, upsert: true)
            }
        }
    }

    /// Claims up to `limit` claimable entries for `owner` until `expiresAt`, newest first (oldest first with
    /// `oldestFirst`, for the Message Batches API); the entries won (another replica's concurrent claim of the same
    /// entry makes ours collide on `_id` and lose).
    ///
    /// Each claim carries a `claim_token`; `owner`'s own entries claimed under a token not in `liveTokens` are
    /// claimable at once (a claim whose write timed out but landed, or a claim of this owner's previous process):
    /// nothing of this process holds them. The others are read in windows of `available_at` by this process's
    /// walk for `owner` (``ConceptBacklogWalk``): a claim reads about what it takes, not the whole backlog.
    public func claimConceptBacklog(
        limit: Int,
        owner: String,
        token: String = "",
        liveTokens: [String] = [],
        now: Date,
        expiresAt: Date,
        oldestFirst: Bool = false
    ) throws -> [ConceptBacklogEntry] {
        guard limit > 0 else { return [] }
        return try withCollection(configuration.conceptBacklogCollection) { backlog in
            let projection: BSONValue = .document([
                "claims": .int32(1), "attempts": .int32(1), "available_at": .int32(1),
            ])
            let orphans = try backlog.find(
                ["owner": .string(owner), "claim_token": .document(["$nin": .array(liveTokens.map { .string($0) })])],
                options: ["projection": projection, "limit": .int64(Int64(limit))]
            ).compactMap(Self.backlogCandidate)
            var candidates = orphans
            if candidates.count < limit {
                let floor = try conceptBacklogFloor()
                let key = owner + (oldestFirst ? "/oldest" : "/newest")
                var walk = conceptWalks.withLock { $0[key] } ?? ConceptBacklogWalk(descending: !oldestFirst)
                let orphanIDs = Set(orphans.map(\.id))
                let read = try walk.next(limit: limit - candidates.count, now: now, floor: floor) { lo, hi in
                    try backlog.find(
                        ["available_at": .document(["$gte": .date(lo), "$lte": .date(hi)])],
                        options: [
                            // Ties (entries queued together) newest first by `queued_at` (oldest first for a batch).
                            "sort": .document([
                                "available_at": .int32(oldestFirst ? 1 : -1), "queued_at": .int32(oldestFirst ? 1 : -1),
                            ]),
                            "projection": projection,
                        ]
                    ).compactMap(Self.backlogCandidate).filter { !orphanIDs.contains($0.id) }
                }
                conceptWalks.withLock { $0[key] = walk }
                candidates += read
                // Nothing claimable below what a walk to its end read: the floor may rise to it (less a margin for
                // clocks); written only when it moves.
                let raised = min(read.map(\.availableAt).min() ?? now, now).addingTimeInterval(-60)
                if walk.readAll, raised > floor { try moveConceptBacklogFloor(to: raised, lower: false) }
            }
            guard !candidates.isEmpty else { return [] }
            var won: [ConceptBacklogEntry] = []
            for slice in Self.bulks(candidates) {
                let operations = slice.map { candidate -> MongoCollection.BulkOperation in
                    .updateOne(
                        filter: ["_id": BSONValue(candidate.id), "claims": BSONValue(candidate.claims)],
                        update: [
                            "$set": .document([
                                "owner": .string(owner), "available_at": .date(expiresAt),
                                "claim_token": .string(token),
                            ]),
                            "$inc": .document(["claims": .int32(1)]),
                        ],
                        upsert: true
                    )
                }
                let lost = try backlog.bulkWrite(operations, toleratingDuplicateKeys: true).duplicates
                won += slice.enumerated().filter { !lost.contains($0.offset) }.map {
                    ConceptBacklogEntry(messageID: $0.element.id, attempts: $0.element.attempts)
                }
            }
            return won
        }
    }

    /// Writes per bulk command on the backlog (and the upgrades of analyses): a message batch's 2,000 in one
    /// command outlast the socket timeout on the embedded server when it is busy.
    static let backlogBulkSize = 200

    /// `operations` in slices of `backlogBulkSize`.
    static func bulks<Operation>(_ operations: [Operation]) -> [ArraySlice<Operation>] {
        slices(operations, of: backlogBulkSize)
    }

    /// A backlog document as a claim candidate (nil without an `_id`).
    private static func backlogCandidate(_ document: BSONDocument) -> ConceptBacklogWalk.Candidate? {
        guard let id = document["_id"]?.recordID else { return nil }
        return ConceptBacklogWalk.Candidate(
            id: id,
            availableAt: document["available_at"]?.dateValue ?? Date(timeIntervalSince1970: 0),
            claims: document["claims"]?.intValue ?? 0,
            attempts: document["attempts"]?.intValue ?? 0
        )
    }

    /// Replaces the local concepts of analysed messages with Claude's (`concept_source` claude, the batched
    /// prompt's `prompt_version`, topic, language and summary), one bulk update; a message whose analysis is gone
    /// (erased meanwhile) is not recreated. Returns how many analyses were updated.
    @discardableResult
    public func upgradeConcepts(_ upgrades: [(messageID: RecordID, extraction: ConceptExtraction)]) throws -> Int {
        guard !upgrades.isEmpty else { return 0 }
        let operations = upgrades.map { upgrade -> (BSONDocument, BSONDocument) in
            let extraction = upgrade.extraction
            let fields: BSONDocument = [
                "concepts": .array(extraction.concepts.map { .string($0) }),
                "concept_source": .string(extraction.source),
                "prompt_version": .string(extraction.promptVersion),
                "topic": .string(extraction.topic),
                "language": .string(extraction.language),
                "summary": .string(extraction.summary),
            ]
            return (["_id": BSONValue(upgrade.messageID)], ["$set": .document(fields)])
        }
        return try withCollection(configuration.analysesCollection) { analyses in
            try Self.bulks(operations).reduce(0) { matched, slice in
                let reply = try analyses.bulkUpdateOne(Array(slice), upsert: false)
                return matched + (reply["nMatched"]?.intValue ?? slice.count)
            }
        }
    }

    /// Removes entries done (upgraded, or whose message is gone) that `owner` claimed; an entry re-queued meanwhile
    /// (its message analysed again, which clears the owner) stays.
    public func finishConceptBacklog(_ ids: [RecordID], owner: String) throws {
        guard !ids.isEmpty else { return }
        try withCollection(configuration.conceptBacklogCollection) { backlog in
            for batch in Self.batches(ids) {
                let filter: BSONDocument = [
                    "_id": .document(["$in": .array(batch.map { BSONValue($0) })]), "owner": .string(owner),
                ]
                _ = try backlog.deleteMany(filter)
            }
        }
    }

    /// Gives entries `owner` claimed back, claimable from `at`: one bulk update; `countAttempt` adds a failed try
    /// (a reply without a valid item for them), not done for a call that never got an answer.
    public func releaseConceptBacklog(_ ids: [RecordID], owner: String, at: Date, countAttempt: Bool) throws {
        guard !ids.isEmpty else { return }
        var update: BSONDocument = [
            "$set": .document(["available_at": .date(at)]), "$unset": .document(["owner": .string("")]),
        ]
        if countAttempt { update["$inc"] = .document(["attempts": .int32(1)]) }
        let operations = ids.map { id -> (BSONDocument, BSONDocument) in
            (["_id": BSONValue(id), "owner": .string(owner)], update)
        }
        try withCollection(configuration.conceptBacklogCollection) { backlog in
            for slice in Self.bulks(operations) { try backlog.bulkUpdateOne(Array(slice), upsert: false) }
        }
    }

    /// Entries on the backlog, claimed or not (the collection's estimated count: it reads no entry).
    public func conceptBacklogCount() throws -> Int {
        try withCollection(configuration.conceptBacklogCollection) { try $0.estimatedCount() }
    }

    /// Sets a published cluster's name in place (its run and stable id unchanged) unless it is pinned (a
    /// hand-curated name: `pinned: true` or `name_source` "curated", `Cluster.pinnedNameSource`) or already named by `source`. True when it
    /// changed.
    public func renameCluster(runID: RecordID, stableID: String, naming: ClusterNaming, source: String) throws -> Bool {
        let filter: BSONDocument = [
            "run_id": BSONValue(runID), "stable_id": .string(stableID),
            "pinned": .document(["$ne": .bool(true)]),
            "name_source": .document(["$nin": .array([.string(source), .string(Cluster.pinnedNameSource)])]),
        ]
        let update: BSONDocument = [
            "$set": .document([
                "name": .string(naming.name), "description": .string(naming.description),
                "name_source": .string(source),
            ])
        ]
        return try withCollection(configuration.clustersCollection) { clusters in
            try clusters.updateOne(filter, update).modified > 0
        }
    }
}
