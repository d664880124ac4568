import ClusterdCore
import Foundation

extension MongoStore {
    /// Inserts a new run document (normally with status `running`); a duplicate id throws `.conflict`.
    public func insertRun(_ run: ClusteringRun) throws {
        try withCollection(configuration.runsCollection) { runs in
            try runs.insertMany([StoreCodec.document(run)])
        }
    }

    /// Writes a run's final state, only if the stored run is still `running`; returns whether it was.
    /// A run abandoned meanwhile (by a restart, or another replica) is left as it is. This one conditional
    /// single-document write (w: majority) publishes the run: its clusters and assignments are written before it,
    /// and readers only take succeeded runs, so a run is never seen half-written.
    public func finishRun(_ run: ClusteringRun) throws -> Bool {
        let filter: BSONDocument = ["_id": BSONValue(run.id), "status": .string(RunStatus.running.rawValue)]
        let result = try withCollection(configuration.runsCollection) { runs in
            try runs.updateOne(filter, ["$set": .document(StoreCodec.runFields(run))], majority: true)
        }
        return result.matched == 1
    }

    /// Marks every `running` run `abandoned` with `reason` as its error; returns how many there were.
    public func abandonRunningRuns(reason: String, now: Date) throws -> Int {
        let update: BSONDocument = [
            "$set": .document([
                "status": .string(RunStatus.abandoned.rawValue),
                "finished_at": .date(now),
                "error": .string(reason),
            ])
        ]
        let result = try withCollection(configuration.runsCollection) { runs in
            try runs.updateMany(["status": .string(RunStatus.running.rawValue)], update)
        }
        return result.modified
    }

    /// The most recently created run, whatever its status.
    public func latestRun() throws -> ClusteringRun? {
        try latestRun(matching: [:])
    }

    /// The most recently created run that succeeded.
    public func latestSuccessfulRun() throws -> ClusteringRun? {
        try latestRun(matching: ["status": .string(RunStatus.succeeded.rawValue)])
    }

    /// The run with this id.
    public func run(id: RecordID) throws -> ClusteringRun? {
        try withCollection(configuration.runsCollection) { runs in
            try runs.findOne(["_id": BSONValue(id)]).flatMap(StoreCodec.run)
        }
    }

    /// Up to `limit` runs, newest first.
    public func recentRuns(limit: Int) throws -> [ClusteringRun] {
        guard limit > 0 else { return [] }
        let options: BSONDocument = ["sort": .document(["created_at": .int32(-1)]), "limit": .int64(Int64(limit))]
        return try withCollection(configuration.runsCollection) { runs in
            try runs.find([:], options: options).compactMap(StoreCodec.run)
        }
    }

    private func latestRun(matching filter: BSONDocument) throws -> ClusteringRun? {
        let options: BSONDocument = ["sort": .document(["created_at": .int32(-1)])]
        return try withCollection(configuration.runsCollection) { runs in
            try runs.findOne(filter, options: options).flatMap(StoreCodec.run)
        }
    }
}
