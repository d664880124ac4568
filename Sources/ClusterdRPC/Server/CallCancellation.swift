import Synchronization

/// Whether the connection a call came on has closed: set once, when it closes, and read from any thread. Work
/// queued for a call whose connection is gone is dropped instead of run (its reply could never be written).
public final class CallCancellation: Sendable {
    private let cancelled = Atomic<Bool>(false)

    /// A connection that is open.
    public init() {}

    /// True once the connection has closed.
    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    /// The connection closed (the server calls it; public for tests of the work it drops).
    public func cancel() {
        cancelled.store(true, ordering: .relaxed)
    }
}
