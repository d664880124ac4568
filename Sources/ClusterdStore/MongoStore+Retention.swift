import ClusterdCore
import Foundation

/// Retention: clusters and assignments are kept for the newest successful runs only.
///
/// Run documents themselves are kept: they hold counts, inputs, metrics and lineage but nothing of any message's
/// content (a few kilobytes each), and they are the history `ListRuns` and an operator read (what ran when, why it
/// failed). What grows with the data, and what an erasure must reach, is the clusters and the per-conversation
/// assignments, so those are what is pruned.
extension MongoStore {
    /// Deletes the clusters and assignments of every run but the newest `keep` successful ones (at least the latest
    /// successful run is always kept) and the runs still `running`: older runs', and the leftovers of failed,
    /// abandoned and skipped runs. Each pruned run is marked `pruned: true` so the next pruning skips it (the
    /// deletes go by `run_id` `$in` the runs pruned now, which MongoDB's `run_id` indexes serve). Returns how many
    /// clusters and assignments went.
    ///
    /// Call it where no run of this process can write meanwhile (the clustering lane): a run inserts its `running`
    /// document before writing its clusters, so a run in progress is never taken for leftovers.
    public func pruneRuns(keep: Int) throws -> (clusters: Int, assignments: Int) {
        let options: BSONDocument = [
            "projection": .document(["_id": .int32(1), "status": .int32(1), "created_at": .int32(1)])
        ]
        let runs = try withCollection(configuration.runsCollection) { runs in
            try runs.find(["pruned": .document(["$ne": .bool(true)])], options: options)
        }
        var succeeded: [(id: RecordID, createdAt: Date)] = []
        var others: [RecordID] = []
        for run in runs {
            guard let id = run["_id"]?.recordID else { continue }
            switch run["status"]?.stringValue {
            case RunStatus.running.rawValue:
                continue
            case RunStatus.succeeded.rawValue:
                succeeded.append((id, run["created_at"]?.dateValue ?? .distantPast))
            default:
                others.append(id)
            }
        }
        succeeded.sort { $0.createdAt == $1.createdAt ? $1.id < $0.id : $0.createdAt > $1.createdAt }
        let pruned = others + succeeded.dropFirst(max(1, keep)).map(\.id)
        var counts = (clusters: 0, assignments: 0)
        for batch in Self.batches(pruned) {
            let filter: BSONDocument = ["run_id": .document(["$in": .array(batch.map { BSONValue($0) })])]
            counts.clusters += try withCollection(configuration.clustersCollection) { try $0.deleteMany(filter) }
            counts.assignments += try withCollection(configuration.assignmentsCollection) { try $0.deleteMany(filter) }
            _ = try withCollection(configuration.runsCollection) { runs in
                try runs.updateMany(
                    ["_id": .document(["$in": .array(batch.map { BSONValue($0) })])],
                    ["$set": .document(["pruned": .bool(true)])]
                )
            }
        }
        return counts
    }
}
