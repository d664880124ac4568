import ClusterdCore

/// What the server asks of the service behind it. Implementations must not block: answer at once for cheap calls,
/// or move blocking work to their own queues and call `respond` later (from any thread).
public protocol RPCServiceHandler: Sendable {
    /// Handles one authenticated request body (never `.hello`, never a reply kind) and calls `respond` exactly once.
    func handle(_ request: FrameBody, respond: @escaping @Sendable (FrameBody) -> Void)

    /// A reply packed ahead of time for `request`, when the handler keeps one (a snapshot many calls share); nil
    /// sends the request to `handle(_:respond:)`. Called on an event loop: it must answer at once. `receivedAt` is
    /// when the request was decoded, in monotonic-clock nanoseconds (saves reading the clock again).
    func packedReply(to request: FrameBody, receivedAt: UInt64) -> PackedReply?
}

extension RPCServiceHandler {
    /// No packed replies: every request goes to `handle(_:respond:)`.
    public func packedReply(to request: FrameBody, receivedAt: UInt64) -> PackedReply? { nil }
}
