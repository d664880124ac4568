import ClusterdCore
import Foundation

extension MongoStore {
    /// Every topic's curation (`clusterd_curation`), by stable id.
    public func curations() throws -> [TopicCuration] {
        try withCollection(configuration.curationCollection) { collection in
            try collection.find([:], options: ["sort": .document(["_id": .int32(1)])]).compactMap(Self.curation)
        }
    }

    /// Stores a topic's curation (replacing it, or deleting it when empty) and appends `change` to the audit log
    /// (`clusterd_curation_log`). The log entry is written first: a change whose log write failed never applies.
    public func saveCuration(_ topic: TopicCuration, change: CurationChange) throws {
        try withCollection(configuration.curationLogCollection) { collection in
            try collection.insertMany([Self.document(change)], majority: true)
        }
        try withCollection(configuration.curationCollection) { collection in
            let filter: BSONDocument = ["_id": .string(topic.stableID)]
            if topic.isEmpty {
                _ = try collection.deleteMany(filter)
            } else {
                _ = try collection.updateOne(filter, ["$set": .document(Self.fields(topic))], upsert: true)
            }
        }
    }

    /// Records merged topics' last-seen centroids and levels (see `TopicCuration.absorbedCentroid`).
    public func saveAbsorbedCentroids(_ topics: [(stableID: String, level: Int, centroid: [Float])]) throws {
        guard !topics.isEmpty else { return }
        let operations = topics.map { topic -> (BSONDocument, BSONDocument) in
            let fields: BSONDocument = [
                "centroid": BSONValue(float32: topic.centroid), "level": BSONValue(topic.level),
            ]
            return (["_id": .string(topic.stableID)], ["$set": .document(fields)])
        }
        try withCollection(configuration.curationCollection) { collection in
            _ = try collection.bulkUpdateOne(operations, upsert: false)
        }
    }

    /// The audit log, newest first: up to `limit` changes, of one topic (as the changed or the surviving topic)
    /// when `stableID` is given.
    public func curationChanges(stableID: String?, limit: Int) throws -> [CurationChange] {
        let filter: BSONDocument =
            stableID.map { id in
                ["$or": .array([.document(["stable_id": .string(id)]), .document(["into_stable_id": .string(id)])])]
            } ?? [:]
        let options: BSONDocument = [
            "sort": .document(["at": .int32(-1), "_id": .int32(-1)]), "limit": .int64(Int64(max(1, limit))),
        ]
        return try withCollection(configuration.curationLogCollection) { collection in
            try collection.find(filter, options: options).compactMap(Self.curationChange)
        }
    }

    /// One cluster of a run, or nil.
    public func cluster(runID: RecordID, stableID: String) throws -> Cluster? {
        try withCollection(configuration.clustersCollection) { collection in
            try collection.findOne(["run_id": BSONValue(runID), "stable_id": .string(stableID)])
                .flatMap(StoreCodec.cluster)
        }
    }

    /// Gives a run's cluster a name (and a description, when given) from `source`; false when the run has no
    /// cluster with the id.
    @discardableResult
    public func renameCluster(
        runID: RecordID,
        stableID: String,
        name: String,
        description: String?,
        source: String
    ) throws -> Bool {
        var fields: BSONDocument = ["name": .string(name), "name_source": .string(source)]
        if let description { fields["description"] = .string(description) }
        return try withCollection(configuration.clustersCollection) { collection in
            try collection.updateMany(
                ["run_id": BSONValue(runID), "stable_id": .string(stableID)],
                ["$set": .document(fields)]
            ).matched > 0
        }
    }

    private static func fields(_ topic: TopicCuration) -> BSONDocument {
        [
            "name": BSONValue(topic.name), "description": BSONValue(topic.description),
            "merged_into": BSONValue(topic.mergedInto), "updated_by": .string(topic.updatedBy),
            "updated_at": .date(topic.updatedAt), "centroid": BSONValue(float32: topic.absorbedCentroid),
            "level": BSONValue(topic.absorbedLevel),
        ]
    }

    private static func curation(_ document: BSONDocument) -> TopicCuration? {
        guard let stableID = document["_id"]?.stringValue else { return nil }
        var topic = TopicCuration(
            stableID: stableID,
            name: document["name"]?.stringValue,
            description: document["description"]?.stringValue,
            mergedInto: document["merged_into"]?.stringValue,
            updatedBy: document["updated_by"]?.stringValue ?? "",
            updatedAt: document["updated_at"]?.dateValue ?? Date(timeIntervalSince1970: 0)
        )
        topic.absorbedCentroid = document["centroid"]?.float32Values ?? []
        topic.absorbedLevel = document["level"]?.intValue ?? 0
        return topic
    }

    private static func document(_ change: CurationChange) -> BSONDocument {
        [
            "action": .string(change.action.rawValue), "stable_id": .string(change.stableID),
            "name": .string(change.name), "description": .string(change.description),
            "into_stable_id": .string(change.intoStableID), "previous_name": .string(change.previousName),
            "by": .string(change.by), "at": .date(change.at),
        ]
    }

    private static func curationChange(_ document: BSONDocument) -> CurationChange? {
        guard let action = document["action"]?.stringValue.flatMap(CurationAction.init(rawValue:)),
            let stableID = document["stable_id"]?.stringValue, let at = document["at"]?.dateValue
        else { return nil }
        return CurationChange(
            action: action,
            stableID: stableID,
            name: document["name"]?.stringValue ?? "",
            description: document["description"]?.stringValue ?? "",
            intoStableID: document["into_stable_id"]?.stringValue ?? "",
            previousName: document["previous_name"]?.stringValue ?? "",
            by: document["by"]?.stringValue ?? "",
            at: at
        )
    }
}
