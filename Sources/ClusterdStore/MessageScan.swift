internal import CMongoC
import ClusterdCore
import Foundation
import Synchronization

/// One pass over the host's `messages` in `_id` order on a single server cursor, yielding the ids that need
/// analysis a page at a time.
///
/// One query per pass, not one per page: a server that cannot stream a sorted range (the embedded server reads and
/// decodes every document of the collection for each query) then does that work once per pass instead of once per
/// page. A reader thread of the scan's own runs the query on a client of its own, with the long
/// `StoreConfiguration.scanTimeoutMS` (the first answer can take minutes at a million messages), and fills a
/// bounded buffer; `next` takes from the buffer and waits for it at most `patience` seconds, so the sweep's lane is
/// never held for the length of a query, and `whenReadable` (called on the reader's thread) says ids arrived after a
/// wait or the reading ended. `close()` stops the reader at its next batch and returns at once; a reader still
/// waiting for the server finishes that call first, then closes its client. Use a scan's `next` from one thread at a
/// time (the sweep's lane).
public final class MessageScan: Sendable {
    private let store: MongoStore
    private let buffer: ScanBuffer
    /// How long `next` waits for the reader when the buffer is empty.
    private let patience: Double

    /// Ids checked against `message_analyses` together (one `$in` lookup each); also the reader's batch.
    static let chunkSize = 500
    /// The scan client's application name (in the server's logs and `currentOp`): "clusterd-sweep-" and the database.
    public static func appName(database: String) -> String {
        String("clusterd-sweep-\(database)".prefix(100))
    }

    /// Batches the buffer holds before the reader waits.
    static let bufferedChunks = 8

    /// Opens a scan of the message ids after `after` in MongoDB's `_id` order (all of them when nil; see
    /// `MongoStore.scanFilters(after:)` for the string/ObjectId brackets) and starts its reader.
    init(
        store: MongoStore,
        after: RecordID?,
        patience: Double,
        whenReadable: @escaping @Sendable () -> Void
    ) throws {
        guard !store.pool.isClosed else { throw StoreError(.unavailable, "the store is closed") }
        let configuration = store.configuration
        let connection = try DedicatedClient(
            configuration: configuration,
            collectionName: configuration.messagesCollection,
            appName: Self.appName(database: configuration.database),
            socketTimeoutMS: configuration.scanTimeoutMS
        )
        let buffer = ScanBuffer(capacity: Self.chunkSize * Self.bufferedChunks)
        self.store = store
        self.buffer = buffer
        self.patience = patience
        let queries = MongoStore.scanFilters(after: after)
        let thread = Thread {
            Self.read(queries, on: connection, into: buffer, whenReadable: whenReadable)
        }
        thread.name = "clusterd-scan"
        thread.start()
    }

    /// The reader: runs the queries in order on `connection` and pushes the ids in batches, then records how the
    /// reading ended (unless the scan was closed) and closes the connection.
    private static func read(
        _ queries: [(filter: BSONDocument, hintsIDIndex: Bool)],
        on connection: DedicatedClient,
        into buffer: ScanBuffer,
        whenReadable: @Sendable () -> Void
    ) {
        defer { connection.close() }
        var batch: [RecordID] = []
        var failure: (any Error)?
        /// Hands the batch over; false when the scan was closed.
        func handOver() -> Bool {
            guard !batch.isEmpty else { return true }
            let (accepted, wasEmpty) = buffer.push(batch)
            batch = []
            if wasEmpty { whenReadable() }
            return accepted
        }
        queries: for query in queries {
            let cursor: OpaquePointer
            do {
                cursor = try open(query, on: connection.collection)
            } catch {
                failure = error
                break
            }
            defer { mongoc_cursor_destroy(cursor) }
            var document: OpaquePointer?
            while mongoc_cursor_next(cursor, &document) {
                if let document, let id = BSONDocument(bson: document)["_id"]?.recordID { batch.append(id) }
                if batch.count >= chunkSize, !handOver() { return }
            }
            var error = bson_error_t()
            if mongoc_cursor_error(cursor, &error) {
                failure = StoreError(error, context: "scan of \(connection.collectionName)")
                break queries
            }
            if buffer.isClosed { return }
        }
        guard handOver() else { return }
        buffer.finish(failure: failure)
        whenReadable()
    }

    /// Opens the cursor of a query of the scan (`_id` only, in `_id` order).
    private static func open(
        _ query: (filter: BSONDocument, hintsIDIndex: Bool),
        on collection: OpaquePointer
    ) throws -> OpaquePointer {
        var options: BSONDocument = [
            "projection": .document(["_id": .int32(1)]),
            "sort": .document(["_id": .int32(1)]),
            "batchSize": .int32(1000),
        ]
        if query.hintsIDIndex { options["hint"] = .document(["_id": .int32(1)]) }
        let cursor = try query.filter.withBSON { filterBSON in
            try options.withBSON { mongoc_collection_find_with_opts(collection, filterBSON, $0, nil) }
        }
        guard let cursor else { throw StoreError(.internal, "find on the messages returned no cursor") }
        return cursor
    }

    deinit {
        close()
    }

    /// Up to `limit` ids that need analysis (see `MongoStore.needingAnalysis(_:embedder:)`), examining
    /// at most `maxExamined` ids (at least one chunk); the page's `scannedThrough` is the last id accounted for and
    /// `reachedEnd` says the pass is over. A page may be empty and not at the end: the reader has not got further
    /// within the patience (it calls `whenReadable` when it has). Throws the reader's error (the caller closes the
    /// scan and opens another after its position).
    public func next(limit: Int, maxExamined: Int, embedder: String) throws -> SweepPage {
        guard !buffer.isClosed else { throw StoreError(.unavailable, "the scan is closed") }
        var found: [RecordID] = []
        var scannedThrough: RecordID?
        var examined = 0
        while found.count < limit, examined < max(maxExamined, Self.chunkSize) {
            let chunk = try buffer.take(Self.chunkSize, patience: patience)
            guard !chunk.isEmpty else { break }
            let needed = try store.needingAnalysis(chunk, embedder: embedder)
            var used = 0
            for id in chunk {
                if needed.contains(id) {
                    guard found.count < limit else { break }
                    found.append(id)
                }
                scannedThrough = id
                used += 1
            }
            examined += used
            buffer.putBack(chunk[used...])
        }
        return SweepPage(ids: found, scannedThrough: scannedThrough, reachedEnd: buffer.exhausted)
    }

    /// Ends the scan: the reader stops at its next batch and closes its connection. Idempotent.
    public func close() {
        buffer.close()
    }
}
