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
    /// bulk write of replacements.
    public func saveProvisionalAssignments(_ placements: [ProvisionalAssignment]) throws {
        guard !placements.isEmpty else { return }
        let operations: [MongoCollection.BulkOperation] = placements.map { placement in
            .updateOne(
                filter: ["_id": BSONValue(placement.conversationID)],
                update: ["$set": .document(StoreCodec.document(placement))],
                upsert: true
            )
        }
        try withCollection(configuration.provisionalCollection) { collection in
            _ = try collection.bulkWrite(operations)
        }
    }
}
