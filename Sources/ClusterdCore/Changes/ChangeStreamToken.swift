/// An opaque position in the host's change stream (MongoDB's resume token), saved so a restarted follower goes on
/// from where the last one stopped. Only the store that produced it reads it.
public struct ChangeStreamToken: Hashable, Sendable, CustomStringConvertible {
    /// The token in the store's own text form (MongoDB: canonical extended JSON).
    public let text: String

    /// Wraps a token's text.
    public init(_ text: String) {
        self.text = text
    }

    /// The token's text.
    public var description: String { text }
}
