import Synchronization

/// Server-wide counters shared by the connection handlers: calls awaiting replies.
final class RPCServerCounters: Sendable {
    private let inFlight = Atomic<Int>(0)

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
}
