import ClusterdCore
import Foundation

/// The clustering leader's lease in `clusterd_leases`: acquired, renewed and taken over with conditional writes on
/// what was read (`LeaseRule`), judged on the store's clock; a fencing token that grows on every acquisition; the
/// fence a run is published through; and ForceClustering requests forwarded to the leader.
///
/// A lease document: `_id` (the lease's name), `owner`, `token`, `expires_at`, `acquired_at`, `renewed_at`, and,
/// once used, `published_run`/`published_at` (the last run published through the fence) and
/// `force_requested_at`/`force_requested_by` (a forced run asked for on a follower).
extension MongoStore {
    /// A store of its own for the lease's thread: connections outside the shared pool (whose lanes can hold
    /// every pooled connection for seconds when the server is saturated, and a pooled call waits for one without
    /// bound), on the same server and database, with `timeoutMS` as its server-selection, connect and socket
    /// timeout, over the URI's own (they follow from the lease's settings: a round that hangs must fail early
    /// enough for another before the lease ends). A small pool rather than a single-threaded client: after a
    /// failed call a single-threaded client waits out a 5-second cooldown before it selects the server again, a
    /// pooled one retries at once. Two connections: a round reads the lease while it holds the collection. No I/O until
    /// first used; close it when done.
    public func leaseConnection(timeoutMS: Int32) throws -> MongoStore {
        var dedicated = configuration
        dedicated.poolSize = 2
        dedicated.serverSelectionTimeoutMS = timeoutMS
        dedicated.connectTimeoutMS = timeoutMS
        dedicated.socketTimeoutMS = timeoutMS
        return try MongoStore(configuration: dedicated, overridingURITimeouts: true)
    }

    /// The store's clock (`hello`'s `localTime`): what lease expiry is judged on, so replicas whose clocks differ
    /// still agree.
    public func serverTime() throws -> Date {
        let command: BSONDocument = ["hello": .int32(1)]
        let reply = try command.withBSON { try adminCommandReply($0, context: "hello") }
        guard let time = reply["localTime"]?.dateValue else {
            throw StoreError(.internal, "the server's hello reply has no localTime")
        }
        return time
    }

    /// The lease `name` as stored, or nil.
    public func lease(named name: String) throws -> Lease? {
        try withCollection(configuration.leasesCollection) { leases in
            try leases.findOne(["_id": .string(name)]).flatMap(StoreCodec.lease)
        }
    }

    /// One round of the lease protocol for `owner` at the store's time `now`: creates the lease, renews it, takes
    /// over an ended one or an earlier process's of `owner` (token + 1), or leaves it to its live holder, each write
    /// conditional on the lease as read.
    /// Returns the lease as it stands after the round (held by `owner` or not).
    @discardableResult
    public func leaseRound(
        named name: String,
        owner: String,
        incarnation: String = "",
        ttl: Double,
        now: Date
    ) throws -> Lease? {
        let expires = BSONValue.date(now.addingTimeInterval(ttl))
        try withCollection(configuration.leasesCollection) { leases in
            let current = try lease(named: name)
            switch LeaseRule.step(current: current, owner: owner, incarnation: incarnation, now: now) {
            case .create:
                do {
                    try leases.insertMany([
                        [
                            "_id": .string(name), "owner": .string(owner), "incarnation": .string(incarnation),
                            "token": .int64(1), "expires_at": expires, "acquired_at": .date(now),
                            "renewed_at": .date(now),
                        ]
                    ])
                } catch let error as StoreError where error.code == .conflict {
                    // Another replica created it first: it holds the lease.
                }
            case .renew(let current):
                let filter: BSONDocument = [
                    "_id": .string(name), "owner": .string(owner), "incarnation": .string(incarnation),
                    "token": .int64(current.token),
                ]
                _ = try leases.updateOne(
                    filter,
                    ["$set": .document(["expires_at": expires, "renewed_at": .date(now)])],
                    majority: true
                )
            case .takeOver(let ended):
                let filter: BSONDocument = [
                    "_id": .string(name), "owner": .string(ended.owner), "token": .int64(ended.token),
                    "expires_at": .date(ended.expiresAt),
                ]
                let update: BSONDocument = [
                    "owner": .string(owner), "incarnation": .string(incarnation), "token": .int64(ended.token + 1),
                    "expires_at": expires, "acquired_at": .date(now), "renewed_at": .date(now),
                ]
                _ = try leases.updateOne(filter, ["$set": .document(update)], majority: true)
            case .follow:
                break
            }
        }
        return try lease(named: name)
    }

    /// Ends `owner`'s lease at once if it still holds `token` (a graceful shutdown), so the next replica, or this
    /// one restarted, takes over without waiting for the expiry.
    public func releaseLease(named name: String, owner: String, token: Int64, now: Date) throws {
        let filter: BSONDocument = ["_id": .string(name), "owner": .string(owner), "token": .int64(token)]
        try withCollection(configuration.leasesCollection) { leases in
            _ = try leases.updateOne(filter, ["$set": .document(["expires_at": .date(now)])], majority: true)
        }
    }

    /// The fence a run is published through: records `runID` on the lease only if `owner` still holds it with
    /// `token` (one conditional single-document write, w: majority). False when a newer leader took over: the run
    /// must not be published.
    public func passFence(named name: String, owner: String, token: Int64, runID: RecordID, now: Date) throws -> Bool {
        let filter: BSONDocument = ["_id": .string(name), "owner": .string(owner), "token": .int64(token)]
        let update: BSONDocument = ["$set": .document(["published_run": BSONValue(runID), "published_at": .date(now)])]
        return try withCollection(configuration.leasesCollection) { leases in
            try leases.updateOne(filter, update, majority: true).matched == 1
        }
    }

    /// Marks `abandoned` every `running` run started under a fencing token below `token` (they can never be
    /// published); returns how many there were.
    public func abandonRunningRuns(before token: Int64, reason: String, now: Date) throws -> Int {
        let filter: BSONDocument = [
            "status": .string(RunStatus.running.rawValue),
            "$or": .array([
                .document(["fencing_token": .document(["$lt": .int64(token)])]),
                .document(["fencing_token": .document(["$exists": .bool(false)])]),
            ]),
        ]
        let update: BSONDocument = [
            "$set": .document([
                "status": .string(RunStatus.abandoned.rawValue), "finished_at": .date(now), "error": .string(reason),
            ])
        ]
        return try withCollection(configuration.runsCollection) { runs in
            try runs.updateMany(filter, update).modified
        }
    }

    /// Asks the leader of lease `name` for a forced run (ForceClustering on a follower).
    public func requestForcedRun(named name: String, by replica: String, now: Date) throws {
        let update: BSONDocument = [
            "$set": .document(["force_requested_at": .date(now), "force_requested_by": .string(replica)])
        ]
        try withCollection(configuration.leasesCollection) { leases in
            _ = try leases.updateOne(["_id": .string(name)], update)
        }
    }

    /// Takes the pending forced-run request off lease `name` if `owner` holds it with `token`: returns who asked,
    /// or nil when nothing is pending (or the lease is not theirs).
    public func takeForcedRunRequest(named name: String, owner: String, token: Int64) throws -> String? {
        let filter: BSONDocument = [
            "_id": .string(name), "owner": .string(owner), "token": .int64(token),
            "force_requested_at": .document(["$exists": .bool(true)]),
        ]
        let update: BSONDocument = [
            "$unset": .document(["force_requested_at": .string(""), "force_requested_by": .string("")])
        ]
        return try withCollection(configuration.leasesCollection) { leases in
            try leases.findAndModify(filter, update: update, upsert: false, returnNew: false)
                .map { $0["force_requested_by"]?.stringValue ?? "" }
        }
    }
}
