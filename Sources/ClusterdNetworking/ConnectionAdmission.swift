import NIOCore
import Synchronization

/// Admits connections up to a limit and refuses the rest with the protocol's own refusal (fixed bytes written to
/// the new connection before it is closed: an RPC error frame, an HTTP 503). Shared by every server, so counting
/// and refusing are written once.
public final class ConnectionAdmission: Sendable {
    /// The most connections open at once.
    public let limit: Int
    private let refusal: [UInt8]
    private let open = Atomic<Int>(0)

    /// Admits up to `limit` connections (at least 1); a connection beyond it is sent `refusal` and closed.
    public init(limit: Int, refusal: [UInt8]) {
        self.limit = max(1, limit)
        self.refusal = refusal
    }

    /// Open, counted connections.
    public var openConnections: Int { open.load(ordering: .relaxed) }

    /// Counts `channel` until it closes and returns true, or, at the limit, sets it up to be refused (it gets the
    /// refusal as soon as it is active, then closes) and returns false. Call on the channel's event loop, from its
    /// initializer.
    public func admit(_ channel: any Channel) throws -> Bool {
        guard reserve() else {
            try channel.pipeline.syncOperations.addHandler(RefuseConnectionHandler(refusal: refusal))
            return false
        }
        channel.closeFuture.whenComplete { _ in self.release() }
        return true
    }

    /// Counts `channel` until it closes and returns true when one of the `limit` places is free; false (nothing
    /// counted, nothing sent) when all are taken. For a second tier of places inside a server's own admission (the
    /// HTTP gateway's data places, beyond which a connection is served its probes only).
    public func claim(_ channel: any Channel) -> Bool {
        guard reserve() else { return false }
        channel.closeFuture.whenComplete { _ in self.release() }
        return true
    }

    /// Takes one of the `limit` places; false (nothing taken) when all are taken.
    func reserve() -> Bool {
        var current = open.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = open.compareExchange(
                expected: current,
                desired: current + 1,
                ordering: .relaxed
            )
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// Gives a place back.
    func release() {
        open.subtract(1, ordering: .relaxed)
    }
}
