import Foundation

/// Calls a closure every `interval` seconds on a private queue until cancelled.
///
/// `@unchecked Sendable`: the DispatchSource is created in `init` and only touched again by `cancel()`, which
/// DispatchSource allows from any thread.
final class Ticker: @unchecked Sendable {
    private let source: DispatchSourceTimer

    /// Starts ticking after one interval.
    init(label: String, interval: Double, handler: @escaping @Sendable () -> Void) {
        source = DispatchSource.makeTimerSource(queue: DispatchQueue(label: label))
        let seconds = max(0.05, interval)
        source.schedule(deadline: .now() + seconds, repeating: seconds, leeway: .milliseconds(50))
        source.setEventHandler(handler: handler)
        source.resume()
    }

    /// Stops ticking; a tick already running finishes.
    func cancel() {
        source.cancel()
    }
}
