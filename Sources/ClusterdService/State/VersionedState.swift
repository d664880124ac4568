import Synchronization

/// The service's in-memory state behind one lock, with a generation number that tells readers whether anything
/// may have changed since they last looked.
///
/// Every `withLock` counts as a change (it bumps the generation before releasing the lock, whether or not the body
/// mutated anything): conservative, so a cached view keyed on the generation is never stale. `read` and `snapshot()`
/// read without bumping; the compiler keeps them read-only.
final class VersionedState: Sendable {
    private let mutex: Mutex<ServiceState>
    private let changes = Atomic<UInt64>(0)

    init(_ initial: ServiceState) {
        mutex = Mutex(initial)
    }

    /// Runs `body` with the state locked, then bumps the generation.
    func withLock<Result, Failure: Error>(
        _ body: (inout sending ServiceState) throws(Failure) -> sending Result
    ) throws(Failure) -> sending Result {
        try mutex.withLock { (state: inout sending ServiceState) throws(Failure) -> sending Result in
            defer { changes.add(1, ordering: .releasing) }
            return try body(&state)
        }
    }

    /// Reads the state under the lock without counting as a change (`body` cannot mutate it).
    func read<Result>(_ body: (borrowing ServiceState) -> Result) -> Result {
        mutex.withLock { (state: inout sending ServiceState) -> sending Result in
            let copy = body(state)
            return copy
        }
    }

    /// A copy of the state and the generation it belongs to, read under the lock without counting as a change.
    func snapshot() -> (state: ServiceState, generation: UInt64) {
        mutex.withLock { state in (state, changes.load(ordering: .relaxed)) }
    }

    /// The current generation: equal to an earlier `snapshot()`'s when no `withLock` has run since.
    var generation: UInt64 { changes.load(ordering: .acquiring) }
}
