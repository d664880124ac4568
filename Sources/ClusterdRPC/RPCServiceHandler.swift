import ClusterdCore

/// What the server asks of the service behind it. Implementations must not block: answer at once for cheap calls,
/// or move blocking work to their own queues and call `respond` later (from any thread).
public protocol RPCServiceHandler: Sendable {
    /// Handles one authenticated request body (never `.hello`, never a reply kind) and calls `respond` exactly once.
    func handle(_ request: FrameBody, respond: @escaping @Sendable (FrameBody) -> Void)
}
