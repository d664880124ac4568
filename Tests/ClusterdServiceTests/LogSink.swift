import Synchronization

/// Collects log lines.
final class LogSink: Sendable {
    private let storage = Mutex<[String]>([])

    /// Adds one line.
    @Sendable func append(_ line: String) {
        storage.withLock { $0.append(line) }
    }

    /// Every line so far.
    var lines: [String] { storage.withLock { $0 } }
}
