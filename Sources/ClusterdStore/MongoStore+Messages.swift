import ClusterdCore
import Foundation

extension MongoStore {
    /// The host message with this id: tried as an ObjectId first when it is 24 hex digits, then as a string.
    public func message(id text: String) throws -> MessageRecord? {
        try messages(idTexts: [text])[text]
    }

    /// The host messages with these id texts, read with `$in` queries of `inChunk` ids and keyed by the text: a text of 24 hex
    /// digits is tried as an ObjectId and as a string, and the ObjectId wins when both exist . Texts with no message are absent.
    public func messages(idTexts: [String]) throws -> [String: MessageRecord] {
        guard !idTexts.isEmpty else { return [:] }
        var texts: [RecordID: [String]] = [:]
        for text in idTexts {
            for candidate in RecordID.candidates(for: text) { texts[candidate, default: []].append(text) }
        }
        var found: [String: MessageRecord] = [:]
        try withCollection(configuration.messagesCollection) { messages in
            try forEachChunk(of: Array(texts.keys), in: messages) { document in
                guard let message = StoreCodec.message(document) else { return }
                for text in texts[message.id] ?? [] {
                    if case .objectID = found[text]?.id { continue }
                    found[text] = message
                }
            }
        }
        return found
    }

    /// Up to `limit` host message ids, in `_id` order, that need analysis by `embedder` (see
    /// `needingAnalysis(_:maxAttempts:embedder:)`): one scan from the first id, waiting for the server at most
    /// `patience` seconds at a time (fewer ids, or none, when it is slower).
    public func unanalysedMessageIDs(limit: Int, embedder: String, patience: Double = .infinity) throws -> [RecordID] {
        guard limit > 0 else { return [] }
        let scan = try scanMessages(after: nil, patience: patience)
        defer { scan.close() }
        return try scan.next(limit: limit, maxExamined: .max, embedder: embedder).ids
    }

    /// Opens a scan of the host message ids after `after` in MongoDB's `_id` order (all when nil), on one cursor
    /// read by a thread of the scan's own (see `MessageScan`): its `next` waits at most `patience` seconds for ids,
    /// and `whenReadable` is called when ids arrive after a wait or the reading ends.
    public func scanMessages(
        after: RecordID?,
        patience: Double = .infinity,
        whenReadable: @escaping @Sendable () -> Void = {}
    ) throws -> MessageScan {
        try MessageScan(store: self, after: after, patience: patience, whenReadable: whenReadable)
    }

    /// Of these message ids, those that need analysis: no analysis by `embedder` (none at all, or a stale one by
    /// another embedder) and not given up (`failed`). A message whose attempts are used up but not yet marked failed
    /// is queued once more; the analysis lane then gives it up.
    func needingAnalysis(_ ids: [RecordID], embedder: String) throws -> Set<RecordID> {
        guard !ids.isEmpty else { return [] }
        let done: BSONDocument = [
            "$or": .array([
                .document(["embedder": .string(embedder), "analyzed_at": Self.present]),
                .document(["failed": .bool(true)]),
            ])
        ]
        return Set(ids).subtracting(try analysed(ids, matching: done))
    }

    /// The queries that read, one after the other, the message ids after `id` (all of them when nil) in MongoDB's
    /// `_id` order, of the two id types clusterd reads: greater ObjectIds after an ObjectId; greater strings, then
    /// every ObjectId, after a string (two queries, not one `$or`: each is then a plain `_id` range, which the
    /// embedded server serves from its index in order; an `$or` made it decode and sort the whole collection).
    /// A scan from the first id hints the `_id` index, so that server walks it instead of sorting every document
    /// in Python (measured at a million messages: over ten minutes in its `sort_docs` before the first id).
    static func scanFilters(after id: RecordID?) -> [(filter: BSONDocument, hintsIDIndex: Bool)] {
        switch id {
        case nil:
            return [([:], true)]
        case .objectID?:
            return [(["_id": .document(["$gt": BSONValue(id!)])], false)]
        case .string?:
            return [
                (["_id": .document(["$gt": BSONValue(id!)])], false),
                (["_id": .document(["$gte": .objectID(String(repeating: "0", count: 24))])], false),
            ]
        }
    }

    /// Inserts host-shaped messages (for demos and tests only: `messages` belongs to the host).
    public func insertHostMessages(_ messages: [MessageRecord]) throws {
        guard !messages.isEmpty else { return }
        try withCollection(configuration.messagesCollection) { collection in
            try collection.insertMany(messages.map(StoreCodec.document))
        }
    }

    /// Deletes host messages by id, as the host does (for demos and tests only); returns how many went.
    @discardableResult
    public func deleteHostMessages(ids: [RecordID]) throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try withCollection(configuration.messagesCollection) { collection in
            try collection.deleteMany(["_id": .document(["$in": .array(ids.map { BSONValue($0) })])])
        }
    }

    /// Inserts host-shaped conversations `{_id, created_at}` (for demos and tests only).
    public func insertHostConversations(ids: [RecordID], createdAt: Date) throws {
        guard !ids.isEmpty else { return }
        try withCollection(configuration.conversationsCollection) { collection in
            try collection.insertMany(ids.map { ["_id": BSONValue($0), "created_at": .date(createdAt)] })
        }
    }
}
