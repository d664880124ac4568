/// An error reply on the wire, or a client-side failure expressed with the same codes.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The status code.
    public var code: RPCStatusCode
    /// A message for humans.
    public var message: String

    /// Creates an error.
    public init(code: RPCStatusCode, message: String) {
        self.code = code
        self.message = message
    }

    /// "RESOURCE_EXHAUSTED: analysis queue is full (1024 waiting)".
    public var description: String { "\(code): \(message)" }
}
