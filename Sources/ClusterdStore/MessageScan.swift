internal import CMongoC
import ClusterdCore
import Foundation
import Synchronization

/// One pass over the host's `messages` in `_id` order on a single server cursor kept open across pages, yielding
/// the ids that need analysis a page at a time.
///
/// One query per pass, not one per page: a server that cannot stream a sorted range (the embedded server sorts every
/// matching document for each query) then does that work once per pass instead of once per page. The cursor lives
/// on a client leased from the pool for the scan's lifetime; `close()` hands it back (the store's `close()` waits
/// for it). Use a scan from one thread at a time (the sweep's lane).
public final class MessageScan: Sendable {
    private let store: MongoStore
    private let resources: Mutex<Resources?>
    private let progress = Mutex(Progress())

    /// The cursor and what it holds on to.
    private struct Resources: @unchecked Sendable {
        // @unchecked: the handles are used only under the scan's lock, from one thread at a time.
        var client: OpaquePointer
        var collection: OpaquePointer
        /// The query being read; nil between queries.
        var cursor: OpaquePointer?
        /// The queries still to read after it, in order.
        var queries: [(filter: BSONDocument, hintsIDIndex: Bool)]
    }

    /// Ids read from the cursor but not yet accounted for, and whether the cursor is exhausted.
    private struct Progress {
        var buffered: [RecordID] = []
        var exhausted = false
    }

    /// Ids checked against `message_analyses` together (one `$in` lookup each).
    static let chunkSize = 500

    /// Opens a scan of the message ids after `after` in MongoDB's `_id` order (all of them when nil; see
    /// `MongoStore.scanFilters(after:)` for the string/ObjectId brackets).
    init(store: MongoStore, after: RecordID?) throws {
        self.store = store
        let client = try store.pool.lease()
        let configuration = store.configuration
        guard
            let collection = mongoc_client_get_collection(
                client,
                configuration.database,
                configuration.messagesCollection
            )
        else {
            store.pool.endLease(client)
            throw StoreError(.internal, "cannot open collection \(configuration.messagesCollection)")
        }
        resources = Mutex(
            Resources(
                client: client,
                collection: collection,
                cursor: nil,
                queries: MongoStore.scanFilters(after: after)
            )
        )
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
    /// `reachedEnd` says the pass is over. Throws the cursor's error (the caller closes the scan and opens another
    /// after its position).
    public func next(limit: Int, maxExamined: Int, embedder: String) throws -> SweepPage {
        guard resources.withLock({ $0 != nil }) else { throw StoreError(.unavailable, "the scan is closed") }
        var found: [RecordID] = []
        var scannedThrough: RecordID?
        var examined = 0
        while found.count < limit, examined < max(maxExamined, Self.chunkSize) {
            let chunk = try nextChunk()
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
            progress.withLock { $0.buffered.insert(contentsOf: chunk[used...], at: 0) }
        }
        let reachedEnd = progress.withLock { $0.exhausted && $0.buffered.isEmpty }
        return SweepPage(ids: found, scannedThrough: scannedThrough, reachedEnd: reachedEnd)
    }

    /// The next ids to examine, from the buffer, then the cursor; empty at the end.
    private func nextChunk() throws -> [RecordID] {
        var chunk = progress.withLock { progress in
            let taken = Array(progress.buffered.prefix(Self.chunkSize))
            progress.buffered.removeFirst(taken.count)
            return taken
        }
        guard chunk.count < Self.chunkSize, !progress.withLock({ $0.exhausted }) else { return chunk }
        let exhausted = try resources.withLock { resources -> Bool in
            guard resources != nil else { throw StoreError(.unavailable, "the scan is closed") }
            var document: OpaquePointer?
            while chunk.count < Self.chunkSize {
                guard let cursor = resources!.cursor else {
                    guard !resources!.queries.isEmpty else { return true }
                    let query = resources!.queries.removeFirst()
                    resources!.cursor = try Self.open(query, on: resources!.collection)
                    continue
                }
                guard mongoc_cursor_next(cursor, &document) else {
                    var error = bson_error_t()
                    if mongoc_cursor_error(cursor, &error) {
                        throw StoreError(error, context: "scan of \(store.configuration.messagesCollection)")
                    }
                    mongoc_cursor_destroy(cursor)
                    resources!.cursor = nil
                    continue
                }
                if let document, let id = BSONDocument(bson: document)["_id"]?.recordID { chunk.append(id) }
            }
            return false
        }
        if exhausted { progress.withLock { $0.exhausted = true } }
        return chunk
    }

    /// Ends the scan: destroys the cursor and hands its client back to the pool. Idempotent.
    public func close() {
        let taken = resources.withLock { resources -> Resources? in
            defer { resources = nil }
            return resources
        }
        guard let taken else { return }
        if let cursor = taken.cursor { mongoc_cursor_destroy(cursor) }
        mongoc_collection_destroy(taken.collection)
        store.pool.endLease(taken.client)
    }
}
