import ClusterdCore

extension MongoStore {
    /// A conversation's assignment in one run, or nil (served by the `run_id` + `conversation_id` index).
    public func assignment(conversationID: RecordID, runID: RecordID) throws -> ClusterAssignment? {
        let filter: BSONDocument = ["run_id": BSONValue(runID), "conversation_id": BSONValue(conversationID)]
        return try withCollection(configuration.assignmentsCollection) { collection in
            try collection.findOne(filter).flatMap(StoreCodec.assignment)
        }
    }

    /// The provisional placements of these conversations, by conversation (`_id` lookups in chunks).
    public func provisionalAssignments(conversationIDs: [RecordID]) throws -> [RecordID: ProvisionalAssignment] {
        guard !conversationIDs.isEmpty else { return [:] }
        var found: [RecordID: ProvisionalAssignment] = [:]
        try withCollection(configuration.provisionalCollection) { collection in
            try forEachChunk(of: Array(Set(conversationIDs)), in: collection) { document in
                if let placement = StoreCodec.provisionalAssignment(document) {
                    found[placement.conversationID] = placement
                }
            }
        }
        return found
    }

    /// Writes provisional placements, one document per conversation (`_id` = conversation id), in one unordered
    /// bulk write; returns the conversations whose write lost to another writer.
    ///
    /// Compare-and-set on `revision`, as claims are: revision 1 is an insert (a second insert of the same `_id`
    /// fails), revision n an upsert whose filter asks for revision n − 1 (if another writer moved it on, the filter
    /// matches nothing and the upsert collides with the existing `_id`). The caller reads again and re-places those.
    @discardableResult
    public func saveProvisionalAssignments(_ placements: [ProvisionalAssignment]) throws -> Set<RecordID> {
        guard !placements.isEmpty else { return [] }
        let operations: [MongoCollection.BulkOperation] = placements.map { placement in
            guard placement.revision > 1 else {
                var document: BSONDocument = ["_id": BSONValue(placement.conversationID)]
                for (key, value) in StoreCodec.document(placement).elements { document.append(key, value) }
                return .insert(document)
            }
            return .updateOne(
                filter: ["_id": BSONValue(placement.conversationID), "revision": BSONValue(placement.revision - 1)],
                update: ["$set": .document(StoreCodec.document(placement))],
                upsert: true
            )
        }
        let lost = try withCollection(configuration.provisionalCollection) { collection in
            try collection.bulkWrite(operations, toleratingDuplicateKeys: true).duplicates
        }
        return Set(lost.map { placements[$0].conversationID })
    }
}
