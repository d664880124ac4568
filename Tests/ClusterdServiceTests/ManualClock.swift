import Foundation
import Synchronization

/// A wall clock the test moves by hand (the service's `now`).
final class ManualClock: Sendable {
    private let time = Mutex(Date())

    /// The current time.
    var now: Date { time.withLock { $0 } }

    /// Moves the clock forward.
    func advance(by seconds: Double) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
