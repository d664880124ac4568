import Foundation
import Synchronization

/// The service's in-memory state behind one lock, with a generation number that tells readers whether anything
/// may have changed since they last looked.
///
/// Every `withLock` counts as a change (it bumps the generation before releasing the lock, whether or not the body
/// mutated anything): conservative, so a cached view keyed on the generation is never stale. `read` and `snapshot()`
/// read without bumping; the compiler keeps them read-only. `withLock(once:orAfter:_:)` waits for a change that
/// makes the state ready (a condition variable, woken by every `withLock`), bounded on the monotonic clock.
final class VersionedState: Sendable {
    private let mutex: Mutex<ServiceState>
    private let changes = Atomic<UInt64>(0)
    /// Threads in `withLock(once:orAfter:_:)`; changes wake them only while there are any.
    private let waiters = Atomic<Int>(0)
    /// Broadcast after a change while a thread waits for one.
    private let changed = NSCondition()

    init(_ initial: ServiceState) {
        mutex = Mutex(initial)
    }

    /// Runs `body` with the state locked, then bumps the generation (and wakes threads waiting for a change).
    func withLock<Result, Failure: Error>(
        _ body: (inout sending ServiceState) throws(Failure) -> sending Result
    ) throws(Failure) -> sending Result {
        defer { wakeWaiters() }
        return try mutex.withLock { (state: inout sending ServiceState) throws(Failure) -> sending Result in
            defer { changes.add(1, ordering: .releasing) }
            return try body(&state)
        }
    }

    /// Waits until `ready` holds, or `timeout` has passed on the monotonic clock, then runs `body` under the same
    /// lock acquisition as the last `ready` check and bumps the generation. Blocks the calling thread: call it on
    /// the service's queues only.
    func withLock<Result>(
        once ready: (borrowing ServiceState) -> Bool,
        orAfter timeout: Duration,
        _ body: (inout sending ServiceState) -> sending Result
    ) -> sending Result {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        waiters.add(1, ordering: .sequentiallyConsistent)
        // Held while checking, released only inside `wait`: a change after a failed check cannot be missed.
        changed.lock()
        defer {
            changed.unlock()
            waiters.subtract(1, ordering: .sequentiallyConsistent)
            wakeWaiters()
        }
        while true {
            let expired = ContinuousClock.now >= deadline
            let result = mutex.withLock { (state: inout sending ServiceState) -> sending Result? in
                guard expired || ready(state) else { return nil }
                defer { changes.add(1, ordering: .releasing) }
                return body(&state)
            }
            if let result { return result }
            let remaining = ContinuousClock.now.duration(to: deadline)
            let seconds = Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18
            _ = changed.wait(until: Date(timeIntervalSinceNow: max(0.001, seconds)))
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

    /// Threads waiting in `withLock(once:orAfter:_:)` now.
    var waitingThreads: Int { waiters.load(ordering: .sequentiallyConsistent) }

    /// The current generation: equal to an earlier `snapshot()`'s when no `withLock` has run since.
    var generation: UInt64 { changes.load(ordering: .acquiring) }

    /// Wakes the threads waiting in `withLock(once:orAfter:_:)` to check their condition again.
    private func wakeWaiters() {
        guard waiters.load(ordering: .sequentiallyConsistent) > 0 else { return }
        changed.lock()
        changed.broadcast()
        changed.unlock()
    }
}
