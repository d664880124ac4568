internal import CMongoC
import ClusterdCore
import Foundation
import Synchronization

/// clusterd's MongoDB store: reads host messages, writes analyses, runs, clusters and assignments.
///
/// Every method is synchronous and blocks on network I/O: call it from an `OperationQueue` or another thread of
/// your own, never from a NIO event loop or the Swift cooperative pool. Safe to use from many threads at once, up
/// to `StoreConfiguration.poolSize` concurrent calls (more wait for a free connection).
public final class MongoStore: Sendable {
    /// The configuration the store was opened with.
    public let configuration: StoreConfiguration
    let pool: MongoClientPool
    /// Where this process's claims on the concept backlog read next, by owner and order.
    let conceptWalks = Mutex<[String: ConceptBacklogWalk]>([:])

    /// Opens a store (no I/O yet: connections are made on first use). Throws for an invalid URI or pool size.
    public convenience init(configuration: StoreConfiguration) throws {
        try self.init(configuration: configuration, overridingURITimeouts: false)
    }

    /// Opens a store whose timeouts are `configuration`'s even where the URI sets its own, when
    /// `overridingURITimeouts` (the lease's connection: its timeouts follow from the lease's settings).
    init(configuration: StoreConfiguration, overridingURITimeouts: Bool) throws {
        self.configuration = configuration
        pool = try MongoClientPool(
            uri: configuration.uri,
            maxSize: configuration.poolSize,
            serverSelectionTimeoutMS: configuration.serverSelectionTimeoutMS,
            connectTimeoutMS: configuration.connectTimeoutMS,
            socketTimeoutMS: configuration.socketTimeoutMS,
            overridingURITimeouts: overridingURITimeouts
        )
    }

    /// Closes every connection; later calls throw `.unavailable`. Idempotent.
    public func close() {
        pool.close()
    }

    /// Round-trips a `ping` command; throws `.unavailable` when no server answers in time.
    public func ping() throws {
        try runAdminCommand(["ping": .int32(1)], context: "ping")
    }

    /// Runs `command` on the `admin` database and throws its error, described with `context`.
    func runAdminCommand(_ command: BSONDocument, context: String) throws {
        try command.withBSON { try runAdminCommand($0, context: context) }
    }

    /// Runs a command written as (extended) JSON on the `admin` database, such as the `configureFailPoint` tests
    /// use to make the server slow or failing, and throws its error.
    public func runAdminCommand(json: String) throws {
        let command = try BSONStorage.parse(json: json, what: "unreadable command")
        defer { bson_destroy(command) }
        try runAdminCommand(command, context: "admin command")
    }

    private func runAdminCommand(_ command: OpaquePointer, context: String) throws {
        _ = try adminCommandReply(command, context: context)
    }

    /// Runs `command` on the `admin` database and returns its reply.
    func adminCommandReply(_ command: OpaquePointer, context: String) throws -> BSONDocument {
        try pool.withClient { client in
            var error = bson_error_t()
            return try BSONStorage.withReply { reply in
                guard mongoc_client_command_simple(client, "admin", command, nil, reply, &error) else {
                    throw StoreError(error, context: context)
                }
                return BSONDocument(bson: reply)
            }
        }
    }

    /// Creates clusterd's indexes (idempotent). Host-owned collections are left alone.
    public func ensureIndexes() throws {
        let wanted: [(String, [BSONDocument])] = [
            // No more on analyses: each secondary index makes every write dearer (on the embedded server an update
            // with three secondary indexes costs about four inserts). The claims collection needs only `_id`.
            (configuration.analysesCollection, [["analyzed_at": .int32(1)], ["conversation_id": .int32(1)]]),
            (configuration.runsCollection, [["created_at": .int32(-1)], ["status": .int32(1)]]),
            (configuration.clustersCollection, [["run_id": .int32(1)]]),
            (configuration.assignmentsCollection, [["run_id": .int32(1), "conversation_id": .int32(1)]]),
            // Claims read windows of `available_at` and an owner's own claims (see `ConceptBacklogWalk`).
            (configuration.conceptBacklogCollection, [["available_at": .int32(1)], ["owner": .int32(1)]]),
        ]
        for (collection, keys) in wanted {
            let indexes: [BSONValue] = keys.map { key in
                .document(["key": .document(key), "name": .string(Self.indexName(key))])
            }
            _ = try withCollection(collection) { handle in
                try handle.writeCommand(["createIndexes": .string(collection), "indexes": .array(indexes)])
            }
        }
    }

    /// The server's conventional name for an index on `key` ("run_id_1_conversation_id_1").
    static func indexName(_ key: BSONDocument) -> String {
        key.elements.map { "\($0.key)_\($0.value.intValue ?? 1)" }.joined(separator: "_")
    }

    /// Names of the indexes on one of the store's collections.
    func indexNames(collection: String) throws -> [String] {
        try withCollection(collection) { try $0.indexNames() }
    }

    /// Lends a collection of the configured database to `body` on this thread.
    func withCollection<R>(_ name: String, _ body: (MongoCollection) throws -> R) throws -> R {
        try pool.withClient { client in
            guard let handle = mongoc_client_get_collection(client, configuration.database, name) else {
                throw StoreError(.internal, "cannot open collection \(name)")
            }
            defer { mongoc_collection_destroy(handle) }
            return try body(MongoCollection(handle: handle, name: name))
        }
    }
}
