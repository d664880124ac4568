import ClusterdCore
import Foundation

/// The ids a scan's reader thread has read and its consumer has not taken yet, bounded: the reader waits while it
/// is full, the consumer waits (up to its patience) while it is empty. Also carries how the reading ended (the end
/// of the collection or an error) and whether the consumer closed the scan.
final class ScanBuffer: @unchecked Sendable {
    // @unchecked Sendable: every field is read and written under `condition`.
    private let condition = NSCondition()
    private var ids: [RecordID] = []
    private var finished = false
    private var failure: (any Error)?
    private var closed = false
    /// The most ids held before the reader waits.
    let capacity: Int

    /// A buffer holding at most `capacity` ids.
    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The reader's side: appends `batch`, waiting while the buffer is full. False when the scan was closed (the
    /// reader stops); `wasEmpty` says the consumer may have been left without ids.
    func push(_ batch: [RecordID]) -> (accepted: Bool, wasEmpty: Bool) {
        condition.lock()
        defer { condition.unlock() }
        while !closed && ids.count >= capacity { condition.wait() }
        guard !closed else { return (false, false) }
        let wasEmpty = ids.isEmpty
        ids.append(contentsOf: batch)
        condition.broadcast()
        return (true, wasEmpty)
    }

    /// The reader's side: the reading ended, at the end of the collection (`failure` nil) or with an error.
    func finish(failure: (any Error)?) {
        condition.lock()
        defer { condition.unlock() }
        finished = true
        self.failure = failure
        condition.broadcast()
    }

    /// The consumer's side: up to `count` ids, waiting up to `patience` seconds while the buffer is empty and the
    /// reader still reading. Empty when the reader has not got further in time or has ended; throws the reader's
    /// error once the ids read before it are taken.
    func take(_ count: Int, patience: Double) throws -> [RecordID] {
        condition.lock()
        defer { condition.unlock() }
        // An untimed wait past a day: corelibs' `wait(until:)` traps on a date as far as `distantFuture`.
        let deadline = patience < 86_400 ? Date(timeIntervalSinceNow: max(0, patience)) : nil
        while ids.isEmpty, !finished, !closed {
            guard let deadline else {
                condition.wait()
                continue
            }
            guard condition.wait(until: deadline) else { break }
        }
        if ids.isEmpty, let failure { throw failure }
        let taken = Array(ids.prefix(count))
        ids.removeFirst(taken.count)
        if !taken.isEmpty { condition.broadcast() }
        return taken
    }

    /// The consumer's side: puts ids it took but did not use back at the front.
    func putBack(_ unused: ArraySlice<RecordID>) {
        guard !unused.isEmpty else { return }
        condition.lock()
        defer { condition.unlock() }
        ids.insert(contentsOf: unused, at: 0)
    }

    /// Every id has been taken and the reader reached the end without an error.
    var exhausted: Bool {
        condition.lock()
        defer { condition.unlock() }
        return finished && failure == nil && ids.isEmpty
    }

    /// The consumer closed the scan: the reader stops at its next push.
    var isClosed: Bool {
        condition.lock()
        defer { condition.unlock() }
        return closed
    }

    /// Closes the buffer: a waiting reader wakes and stops, held ids are dropped. Idempotent.
    func close() {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        ids = []
        condition.broadcast()
    }
}
