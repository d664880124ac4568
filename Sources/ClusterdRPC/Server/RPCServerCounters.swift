import Synchronization

/// Server-wide counters shared by the connection handlers: calls awaiting replies and open connections.
final class RPCServerCounters: Sendable {
    private let inFlight = Atomic<Int>(0)
    private let connections = Atomic<Int>(0)

    /// A call was dispatched.
    func started() {
        inFlight.add(1, ordering: .relaxed)
    }

    /// `count` calls were answered (or their connection closed).
    func finished(_ count: Int) {
        inFlight.subtract(count, ordering: .relaxed)
    }

    /// Calls awaiting replies across all connections.
    var callsInFlight: Int { inFlight.load(ordering: .relaxed) }

    /// Counts a new connection; false (and not counted) when `limit` are already open.
    func admit(limit: Int) -> Bool {
        var current = connections.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = connections.compareExchange(
                expected: current,
                desired: current + 1,
                ordering: .relaxed
            )
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// A counted connection closed.
    func released() {
        connections.subtract(1, ordering: .relaxed)
    }

    /// Open, counted connections.
    var openConnections: Int { connections.load(ordering: .relaxed) }
}
