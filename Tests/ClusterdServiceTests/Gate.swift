import Foundation

/// A gate test embedders wait at: closed, callers block in `pass(within:)` until `open()` (no polling).
final class Gate: @unchecked Sendable {
    // @unchecked: `isOpen` is only touched with `condition` locked.
    private let condition = NSCondition()
    private var isOpen: Bool

    init(open: Bool) {
        isOpen = open
    }

    /// Returns once the gate is open, or after `seconds` (on the monotonic clock) whatever it is.
    func pass(within seconds: Double = 30) {
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int(seconds * 1000)))
        condition.lock()
        defer { condition.unlock() }
        while !isOpen, ContinuousClock.now < deadline {
            _ = condition.wait(until: Date(timeIntervalSinceNow: 0.5))
        }
    }

    /// Lets callers through, waking those waiting.
    func open() {
        condition.lock()
        isOpen = true
        condition.broadcast()
        condition.unlock()
    }

    /// Holds every later caller until `open()`.
    func close() {
        condition.lock()
        isOpen = false
        condition.unlock()
    }
}
