import Synchronization

/// Collects log lines (a log handler's sink in tests).
public final class LogSink: Sendable {
    private let storage = Mutex<[String]>([])

    /// Creates an empty sink.
    public init() {}

    /// Adds one line.
    @Sendable public func append(_ line: String) {
        storage.withLock { $0.append(line) }
    }

    /// Every line so far.
    public var lines: [String] { storage.withLock { $0 } }
}
