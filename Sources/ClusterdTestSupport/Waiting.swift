import Foundation

/// A condition that did not become true in time.
public struct WaitTimeout: Error, CustomStringConvertible {
    /// What was awaited, and for how long.
    public var description: String
}

/// Polls `condition` every `poll` until it returns true; throws `WaitTimeout` after `timeout`.
/// Errors thrown by the condition propagate.
public func waitUntil(
    _ what: String = "condition",
    timeout: Duration = .seconds(20),
    poll: Duration = .milliseconds(100),
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if try await condition() { return }
        if clock.now >= deadline { throw WaitTimeout(description: "timed out after \(timeout) waiting for \(what)") }
        try await Task.sleep(for: poll)
    }
}

/// Runs blocking work (sockets, libmongoc) on a thread of its own, so it never occupies the Swift cooperative
/// pool (which has only as many threads as cores).
public func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try work() })
        }
    }
}
