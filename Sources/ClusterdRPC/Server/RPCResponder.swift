/// Delivers one call's reply, exactly once, from any thread: `succeed` with the call's typed answer, or `fail`.
///
/// The server makes one per call around its completion; wrapping the value into an `RPCReply` is a plain function,
/// so a responder costs no allocation beyond that completion.
public struct RPCResponder<Value: Sendable>: Sendable {
    @usableFromInline let complete: @Sendable (RPCReply) -> Void
    @usableFromInline let wrap: @Sendable (Value) -> RPCReply
    /// Set when the call's connection has closed (nil: a caller that never cancels).
    let cancellation: CallCancellation?

    /// Creates a responder that hands `complete` the reply `wrap` makes of the value; `cancellation` tells when the
    /// call's connection has closed.
    public init(
        wrap: @escaping @Sendable (Value) -> RPCReply,
        complete: @escaping @Sendable (RPCReply) -> Void,
        cancellation: CallCancellation? = nil
    ) {
        self.wrap = wrap
        self.complete = complete
        self.cancellation = cancellation
    }

    /// True when the call's connection has closed: nobody will read the answer, so work not started yet is dropped.
    public var isCancelled: Bool { cancellation?.isCancelled ?? false }

    /// Answers the call.
    @inlinable
    public func succeed(_ value: Value) {
        complete(wrap(value))
    }

    /// Answers the call with an error reply.
    @inlinable
    public func fail(_ error: RPCError) {
        complete(.error(error))
    }

    /// Answers the call with `result`.
    @inlinable
    public func callAsFunction(_ result: Result<Value, RPCError>) {
        switch result {
        case .success(let value): succeed(value)
        case .failure(let error): fail(error)
        }
    }
}
