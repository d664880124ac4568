internal import CMongoC
import ClusterdCore
import Foundation
import Synchronization

/// One run's assignments read once, on one server-side cursor of a connection of its own, a page at a time: an
/// export of any size costs the server one query (the embedded server decodes the whole collection per query, so a
/// query per page cost about 5 s a page at 10⁵ assignments).
///
/// The connection has the scan's socket timeout (`scanTimeoutMS`): the first answer can take seconds. Pages are read
/// by one caller at a time (the service hands the export to one page request after another); the lock only guards
/// against misuse. `close()` (or deinit) releases the cursor and its connection.
public final class AssignmentExport: Sendable {
    /// The run exported.
    public let runID: RecordID
    private let state: Mutex<State>

    /// The cursor and its connection, and a row read past the last page's budget.
    private struct State {
        var connection: DedicatedClient?
        var cursor: CursorHandle?
        var pending: ClusterAssignment?
        var done = false
    }

    /// The libmongoc cursor, sendable because only the lock's holder touches it.
    private struct CursorHandle: @unchecked Sendable {
        // @unchecked Sendable: used only under the export's lock, destroyed once in close().
        let pointer: OpaquePointer
    }

    init(store: MongoStore, runID: RecordID) throws {
        guard !store.pool.isClosed else { throw StoreError(.unavailable, "the store is closed") }
        let configuration = store.configuration
        let connection = try DedicatedClient(
            configuration: configuration,
            collectionName: configuration.assignmentsCollection,
            appName: String("clusterd-export-\(configuration.database)".prefix(100)),
            socketTimeoutMS: configuration.scanTimeoutMS
        )
        let filter: BSONDocument = ["run_id": BSONValue(runID)]
        let options: BSONDocument = [
            "projection": .document([
                "conversation_id": .int32(1), "run_id": .int32(1), "stable_id": .int32(1), "distance": .int32(1),
            ]),
            "batchSize": .int32(5000),
        ]
        let cursor = try filter.withBSON { filterBSON in
            try options.withBSON { mongoc_collection_find_with_opts(connection.collection, filterBSON, $0, nil) }
        }
        guard let cursor else {
            connection.close()
            throw StoreError(.internal, "find on \(configuration.assignmentsCollection) returned no cursor")
        }
        self.runID = runID
        self.state = Mutex(State(connection: connection, cursor: CursorHandle(pointer: cursor)))
    }

    /// Up to `limit` more assignments, stopping before their `bytes` add up past `byteBudget` (one row at least);
    /// `done` when the cursor has none left.
    public func next(limit: Int, byteBudget: Int, bytes: (ClusterAssignment) -> Int) throws -> (
        rows: [ClusterAssignment], done: Bool
    ) {
        try state.withLock { state in
            var rows: [ClusterAssignment] = []
            var budget = byteBudget
            func accept(_ row: ClusterAssignment) -> Bool {
                budget -= bytes(row)
                guard budget >= 0 || rows.isEmpty else { return false }
                rows.append(row)
                return true
            }
            if let pending = state.pending {
                state.pending = nil
                _ = accept(pending)
            }
            guard let cursor = state.cursor?.pointer else { return (rows, true) }
            var document: OpaquePointer?
            while !state.done, rows.count < max(1, limit) {
                guard mongoc_cursor_next(cursor, &document) else {
                    var error = bson_error_t()
                    if mongoc_cursor_error(cursor, &error) {
                        throw StoreError(error, context: "export of \(runID)'s assignments")
                    }
                    state.done = true
                    break
                }
                guard let document, let row = StoreCodec.assignment(BSONDocument(bson: document)) else { continue }
                if !accept(row) {
                    state.pending = row
                    break
                }
            }
            return (rows, state.done && state.pending == nil)
        }
    }

    /// Releases the cursor and its connection. Idempotent.
    public func close() {
        state.withLock { state in
            if let cursor = state.cursor { mongoc_cursor_destroy(cursor.pointer) }
            state.cursor = nil
            state.connection?.close()
            state.connection = nil
        }
    }

    deinit {
        close()
    }
}

extension MongoStore {
    /// Opens an export of a run's assignments (see `AssignmentExport`).
    public func openAssignmentExport(runID: RecordID) throws -> AssignmentExport {
        try AssignmentExport(store: self, runID: runID)
    }
}
