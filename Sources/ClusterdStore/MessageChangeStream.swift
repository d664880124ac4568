internal import CMongoC
import ClusterdCore
import Foundation

/// A change stream on the host's `messages` collection: inserts, whole-document replaces, updates of `content` and deletes, each
/// reduced to its operation type and `documentKey` (the message's `_id`), with the resume token after them.
///
/// It owns a client of its own (not one borrowed from the store's pool, which is sized for the lanes) and blocks in
/// `next()` for up to its await time: read it from one thread of your own, never from an event loop or the
/// cooperative pool. `close()` (or deinit) destroys the stream, then the collection, then the client.
public final class MessageChangeStream: MessageChangeFeed, @unchecked Sendable {
    // @unchecked Sendable: the handles are set once in init and used by one thread at a time (the follower's, which
    // opens, reads and closes the stream); `closed` is only touched by that thread too.
    private let connection: DedicatedClient
    private let stream: OpaquePointer
    private let maxEvents: Int
    private var closed = false

    /// The operation types the stream asks for, besides updates that set `content` (a replace or such an update is
    /// read as `replaced`).
    static let operationTypes = ["insert", "replace", "delete"]

    /// Opens the stream after `token` (from now when nil), waiting up to `maxAwaitMilliseconds` per read and
    /// returning at most `maxEvents` changes per read. Throws the server's refusal: a standalone server answers 40573
    /// (`StoreError.isChangeStreamUnsupported`), a token the server cannot resume from 286 or 260
    /// (`StoreError.isChangeStreamTokenUnusable`).
    init(
        configuration: StoreConfiguration,
        after token: ChangeStreamToken?,
        maxAwaitMilliseconds: Int,
        maxEvents: Int
    ) throws {
        let connection = try DedicatedClient(
            configuration: configuration,
            collectionName: configuration.messagesCollection,
            appName: "clusterd-changes"
        )
        let stream: OpaquePointer
        do {
            stream = try Self.watch(connection.collection, after: token, maxAwaitMilliseconds: maxAwaitMilliseconds)
        } catch {
            connection.close()
            throw error
        }
        self.connection = connection
        self.stream = stream
        self.maxEvents = max(1, maxEvents)
        // The first aggregate runs in `mongoc_collection_watch`: a refusal shows here, not at the first read.
        if let failure = failure() {
            close()
            throw failure
        }
    }

    /// Starts `mongoc_collection_watch` with the pipeline and options (the stream is never NULL; its error, if any,
    /// is read with `failure()`).
    private static func watch(
        _ collection: OpaquePointer,
        after token: ChangeStreamToken?,
        maxAwaitMilliseconds: Int
    ) throws -> OpaquePointer {
        let pipeline: BSONDocument = [
            "pipeline": .array([
                .document([
                    "$match": .document([
                        "$or": .array([
                            .document(["operationType": .document(["$in": .array(operationTypes.map { .string($0) })])]
                            ),
                            .document([
                                "operationType": .string("update"),
                                "updateDescription.updatedFields.content": .document(["$exists": .bool(true)]),
                            ]),
                        ])
                    ])
                ]),
                .document(["$project": .document(["operationType": .int32(1), "documentKey": .int32(1)])]),
            ])
        ]
        let tokenBSON = try token.map(Self.bson(from:))
        defer { if let tokenBSON { bson_destroy(tokenBSON) } }
        guard let options = bson_new() else { throw StoreError(.internal, "cannot allocate change stream options") }
        defer { bson_destroy(options) }
        guard bson_append_int64(options, "maxAwaitTimeMS", -1, Int64(max(1, maxAwaitMilliseconds))) else {
            throw StoreError(.internal, "cannot build change stream options")
        }
        // `startAfter`, not `resumeAfter`: it also accepts the token of an invalidate event.
        if let tokenBSON, !bson_append_document(options, "startAfter", -1, tokenBSON) {
            throw StoreError(.internal, "cannot build change stream options")
        }
        let stream = try pipeline.withBSON { pipelineBSON in
            mongoc_collection_watch(collection, pipelineBSON, options)
        }
        guard let stream else { throw StoreError(.internal, "mongoc_collection_watch returned no stream") }
        return stream
    }

    /// Waits up to the await time for changes and returns those available (at most `maxEvents`) with the resume
    /// token after them. Events whose `_id` is neither an ObjectId nor a string are skipped (the token still moves
    /// past them).
    public func next() throws -> MessageChangeBatch {
        guard !closed else { throw StoreError(.unavailable, "the change stream is closed") }
        var changes: [MessageChange] = []
        var event: OpaquePointer?
        while changes.count < maxEvents, mongoc_change_stream_next(stream, &event) {
            guard let event, let change = Self.change(BSONDocument(bson: event)) else { continue }
            changes.append(change)
        }
        if let failure = failure() { throw failure }
        return MessageChangeBatch(changes: changes, token: resumeToken())
    }

    /// Reads one event document: `operationType` and `documentKey._id`.
    static func change(_ event: BSONDocument) -> MessageChange? {
        guard let id = event["documentKey"]?.documentValue?["_id"]?.recordID else { return nil }
        switch event["operationType"]?.stringValue {
        case "insert": return .inserted(id)
        case "replace", "update": return .replaced(id)
        case "delete": return .deleted(id)
        default: return nil
        }
    }

    /// The stream's error (with the server's code when the server refused), or nil.
    private func failure() -> StoreError? {
        var error = bson_error_t()
        var reply: OpaquePointer?
        guard mongoc_change_stream_error_document(stream, &error, &reply) else { return nil }
        return StoreError(error, context: "change stream on \(Self.collectionName(connection.collection))")
    }

    private static func collectionName(_ collection: OpaquePointer) -> String {
        mongoc_collection_get_name(collection).map { String(cString: $0) } ?? "messages"
    }

    /// The current resume token as canonical extended JSON (exact for every BSON type), or nil before the first
    /// batch on a server that gives none.
    private func resumeToken() -> ChangeStreamToken? {
        guard let token = mongoc_change_stream_get_resume_token(stream) else { return nil }
        var length = 0
        guard let json = bson_as_canonical_extended_json(token, &length) else { return nil }
        defer { bson_free(json) }
        return ChangeStreamToken(String(cString: json))
    }

    /// A token's BSON, parsed from its canonical extended JSON; the caller destroys it.
    private static func bson(from token: ChangeStreamToken) throws -> OpaquePointer {
        try BSONStorage.parse(json: token.text, what: "unreadable change stream token")
    }

    /// Destroys the stream, the collection and the client, in that order. Idempotent.
    public func close() {
        guard !closed else { return }
        closed = true
        mongoc_change_stream_destroy(stream)
        connection.close()
    }

    deinit {
        close()
    }
}
