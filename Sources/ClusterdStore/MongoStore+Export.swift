import ClusterdCore

extension MongoStore {
    /// Up to `limit` provisional placements against a run whose conversation id follows `after`: string ids in
    /// order, then ObjectIds in order (two plain ranges, as BSON compares ids of one type only). The summed
    /// vectors and message lists are not read.
    public func provisionalPage(runID: RecordID, after: RecordID?, limit: Int) throws -> [ProvisionalAssignment] {
        let options: BSONDocument = [
            "sort": .document(["_id": .int32(1)]), "limit": .int64(Int64(max(1, limit))),
            "projection": .document(["vector_sum": .int32(0), "message_ids": .int32(0)]),
        ]
        let firstObjectID = BSONValue.objectID(String(repeating: "0", count: 24))
        var ranges: [BSONValue] = []
        switch after {
        case nil: ranges = [.string(""), firstObjectID]
        case .string(let text)?: ranges = [.string(text), firstObjectID]
        case .objectID(let hex)?: ranges = [.objectID(hex)]
        }
        var page: [ProvisionalAssignment] = []
        try withCollection(configuration.provisionalCollection) { collection in
            for bound in ranges where page.count < limit {
                var rangeOptions = options
                rangeOptions["limit"] = .int64(Int64(limit - page.count))
                let filter: BSONDocument = ["run_id": BSONValue(runID), "_id": .document(["$gt": bound])]
                page += try collection.find(filter, options: rangeOptions).compactMap(StoreCodec.provisionalAssignment)
            }
        }
        return page
    }

    /// Of `conversationIDs`, those a run assigned (the `run_id` + `conversation_id` index, in chunks).
    public func assignedConversations(runID: RecordID, among conversationIDs: [RecordID]) throws -> Set<RecordID> {
        var found: Set<RecordID> = []
        try withCollection(configuration.assignmentsCollection) { collection in
            for chunk in Self.slices(conversationIDs, of: Self.inChunk) {
                let filter: BSONDocument = [
                    "run_id": BSONValue(runID),
                    "conversation_id": .document(["$in": .array(chunk.map { BSONValue($0) })]),
                ]
                try collection.forEach(filter, options: ["projection": .document(["conversation_id": .int32(1)])]) {
                    if let id = $0["conversation_id"]?.recordID { found.insert(id) }
                    return true
                }
            }
        }
        return found
    }

    /// Up to `limit` successful runs, newest first.
    public func successfulRuns(limit: Int) throws -> [ClusteringRun] {
        let options: BSONDocument = [
            "sort": .document(["created_at": .int32(-1)]), "limit": .int64(Int64(max(1, limit))),
        ]
        return try withCollection(configuration.runsCollection) { runs in
            try runs.find(["status": .string(RunStatus.succeeded.rawValue)], options: options).compactMap(
                StoreCodec.run
            )
        }
    }

    /// Every stored cluster with this stable id, of any run.
    public func clusters(stableID: String) throws -> [Cluster] {
        try withCollection(configuration.clustersCollection) { collection in
            try collection.find(
                ["stable_id": .string(stableID)],
                options: ["projection": .document(["centroid": .int32(0)])]
            )
            .compactMap(StoreCodec.cluster)
        }
    }
}
