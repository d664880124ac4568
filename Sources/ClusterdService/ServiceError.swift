/// A request the service refuses.
public struct ServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why.
    public enum Code: Sendable, Equatable {
        /// The analysis queue is full.
        case queueFull
        /// The request is malformed (an empty or oversized id).
        case invalidArgument
        /// The thing asked for does not exist.
        case notFound
        /// MongoDB is unreachable.
        case storeUnavailable
        /// The service is shutting down.
        case stopping
    }

    /// The kind of refusal.
    public var code: Code
    /// A message for humans.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
