import Foundation

/// Polls `condition` until it holds or `seconds` have passed (then answers it once more): for an event that proves
/// work happened. What did not happen is proved by running the work to the end instead (see `tickAndWait()`).
func waitUntil(_ seconds: Double = 30, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int(seconds * 1000)))
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return try condition()
}
