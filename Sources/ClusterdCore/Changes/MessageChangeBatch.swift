/// What one read of a change stream returned: the changes in order and the position after them.
public struct MessageChangeBatch: Sendable, Equatable {
    /// The changes, oldest first (empty when nothing changed while the read waited).
    public var changes: [MessageChange]
    /// The position after these changes (and after any events the stream's filter left out); resuming from it
    /// delivers only later changes. Nil when the store gave none.
    public var token: ChangeStreamToken?

    /// Creates a batch.
    public init(changes: [MessageChange], token: ChangeStreamToken?) {
        self.changes = changes
        self.token = token
    }
}
