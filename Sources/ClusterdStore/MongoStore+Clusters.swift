import ClusterdCore

extension MongoStore {
    /// Inserts a run's clusters and its per-conversation assignments (bulk writes of up to 1,000 documents), each
    /// acknowledged by a majority, as the run's publication after them is: a failover cannot lose what a published
    /// run points to.
    public func saveClusters(_ clusters: [Cluster], assignments: [ClusterAssignment]) throws {
        if !clusters.isEmpty {
            try withCollection(configuration.clustersCollection) { collection in
                try collection.insertMany(clusters.map(StoreCodec.document), majority: true)
            }
        }
        if !assignments.isEmpty {
            try withCollection(configuration.assignmentsCollection) { collection in
                try collection.insertMany(assignments.map(StoreCodec.document), chunkSize: 1000, majority: true)
            }
        }
    }

    /// A run's clusters, largest first (ties by stable id).
    public func clusters(runID: RecordID) throws -> [Cluster] {
        let options: BSONDocument = ["sort": .document(["size": .int32(-1), "stable_id": .int32(1)])]
        return try withCollection(configuration.clustersCollection) { collection in
            try collection.find(["run_id": BSONValue(runID)], options: options).compactMap(StoreCodec.cluster)
        }
    }

    /// A run's assignments, in conversation-id order.
    public func assignments(runID: RecordID) throws -> [ClusterAssignment] {
        let options: BSONDocument = ["sort": .document(["conversation_id": .int32(1)])]
        return try withCollection(configuration.assignmentsCollection) { collection in
            try collection.find(["run_id": BSONValue(runID)], options: options).compactMap(StoreCodec.assignment)
        }
    }
}
