import ClusterdCore
import Foundation

extension MongoStore {
    /// The progress marker that holds the change stream's resume token on the messages collection.
    var changeStreamMarker: String { "change_stream:\(configuration.messagesCollection)" }

    /// Opens a change stream on the host's messages collection after `token` (from now when nil), on a client of its
    /// own. Each `next()` waits up to `maxAwaitSeconds` and returns at most `maxEvents` changes. Throws a
    /// `StoreError` (`isChangeStreamUnsupported` on a standalone server, `isChangeStreamTokenUnusable` when the
    /// server cannot resume from `token`).
    public func openMessageChanges(
        after token: ChangeStreamToken?,
        maxAwaitSeconds: Double,
        maxEvents: Int
    ) throws -> any MessageChangeFeed {
        try MessageChangeStream(
            configuration: configuration,
            after: token,
            maxAwaitMilliseconds: Int((maxAwaitSeconds * 1000).rounded()),
            maxEvents: maxEvents
        )
    }

    /// The change stream's saved resume token, or nil when none was saved yet.
    public func changeStreamToken() throws -> ChangeStreamToken? {
        try progressMarker(changeStreamMarker)?["resume_token"]?.stringValue.map(ChangeStreamToken.init)
    }

    /// Saves the change stream's resume token (in `clusterd_state`, stamped `updated_at`).
    public func saveChangeStreamToken(_ token: ChangeStreamToken, now: Date) throws {
        try saveProgressMarker(changeStreamMarker, fields: ["resume_token": .string(token.text)], now: now)
    }

    /// Of these message ids, those whose analysis has an embedding: a change event for a message a trigger already
    /// had analysed needs no second analysis.
    public func analysedMessageIDs(among ids: [RecordID]) throws -> Set<RecordID> {
        guard !ids.isEmpty else { return [] }
        return try analysed(ids, matching: ["embedding": Self.present])
    }
}
