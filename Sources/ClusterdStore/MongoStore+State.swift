import ClusterdCore
import Foundation

extension MongoStore {
    /// The fields of clusterd's progress marker `name` (the sweep's position, the change stream's resume token)
    /// without its `_id`, or nil when none was saved yet.
    func progressMarker(_ name: String) throws -> BSONDocument? {
        let document = try withCollection(configuration.stateCollection) { state in
            try state.findOne(["_id": .string(name)])
        }
        guard var fields = document else { return nil }
        fields["_id"] = nil
        return fields
    }

    /// Replaces the fields of progress marker `name` (creating it on first use), stamped `updated_at` with `now`.
    func saveProgressMarker(_ name: String, fields: BSONDocument, now: Date) throws {
        var set = fields
        set["updated_at"] = .date(now)
        _ = try withCollection(configuration.stateCollection) { state in
            try state.updateOne(["_id": .string(name)], ["$set": .document(set)], upsert: true)
        }
    }
}

extension MongoStore {
    /// The progress marker of the catch-up sweep.
    static let sweepMarker = "sweep"

    /// Where the catch-up sweep resumes: every host message at or before this `_id` was analysed, failed or given
    /// up when it was saved. Nil when none was saved (the next pass starts from the first id).
    public func sweepPosition() throws -> RecordID? {
        try progressMarker(Self.sweepMarker)?["position"]?.recordID
    }

    /// Saves where the catch-up sweep resumes (nil: from the first id).
    public func saveSweepPosition(_ position: RecordID?, now: Date) throws {
        try saveProgressMarker(
            Self.sweepMarker,
            fields: ["position": position.map { BSONValue($0) } ?? .null],
            now: now
        )
    }
}

extension MongoStore {
    /// The `clusterd_state` document holding the concept backlog's floor.
    static let conceptBacklogFloorMarker = "concept_backlog_floor"

    /// A time at or before every concept backlog entry's `available_at` (the epoch when none was kept): where a
    /// claim's walk ends. One `_id` read.
    func conceptBacklogFloor() throws -> Date {
        try progressMarker(Self.conceptBacklogFloorMarker)?["at"]?.dateValue ?? Date(timeIntervalSince1970: 0)
    }

    /// Lowers the concept backlog's floor to `date` when it is higher (`lower`; before entries are written there),
    /// or raises it when it is lower (when a claim found nothing below `date`). One upsert.
    func moveConceptBacklogFloor(to date: Date, lower: Bool) throws {
        _ = try withCollection(configuration.stateCollection) { state in
            try state.updateOne(
                ["_id": .string(Self.conceptBacklogFloorMarker)],
                [lower ? "$min" : "$max": .document(["at": .date(date)])],
                upsert: true
            )
        }
    }
}
