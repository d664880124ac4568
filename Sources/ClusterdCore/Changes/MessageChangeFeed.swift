/// An open change stream on the host's `messages` collection. Blocking: read it from a thread of its own, never
/// from an event loop or the cooperative pool, and from one thread at a time.
public protocol MessageChangeFeed: AnyObject {
    /// Waits (at most the feed's await time) for changes and returns those available, with the position after them;
    /// an empty batch when none came. Throws when the stream failed (it cannot be read again: open a new one).
    func next() throws -> MessageChangeBatch
    /// Releases the stream and its connection. Idempotent.
    func close()
}
