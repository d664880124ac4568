import Foundation
import Logging
import Synchronization

/// Writes log lines in the seed's format: `2025-01-10 21:30:00 - BackgroundClusteringService - INFO - text`.
public struct SeedLogHandler: LogHandler {
    /// Level below which messages are dropped.
    public var logLevel: Logger.Level = .info
    /// Metadata attached to every line (appended as `key=value`).
    public var metadata: Logger.Metadata = [:]
    /// Masks secrets in each line.
    public var redactor = LogRedactor()
    private let label: String
    private let sink: @Sendable (String) -> Void

    /// A handler writing to standard error (through `LogWriter.standardError`, off the caller's thread).
    public init(label: String) {
        self.init(label: label) { line in
            LogWriter.standardError.write(line)
        }
    }

    /// A handler writing each line to `sink` (for tests).
    public init(label: String, sink: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.sink = sink
    }

    /// Metadata by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Formats and writes one line.
    public func log(event: LogEvent) {
        var text = "\(event.message)"
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        if !merged.isEmpty {
            text += " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        sink("\(Self.timestamp(Date())) - \(label) - \(Self.levelName(event.level)) - \(redactor.scrub(text))")
    }

    /// `yyyy-MM-dd HH:mm:ss` in UTC.
    static func timestamp(_ date: Date) -> String {
        LogTimestamp.seconds(date)
    }

    /// Python logging's level names.
    static func levelName(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: return "DEBUG"
        case .info, .notice: return "INFO"
        case .warning: return "WARNING"
        case .error: return "ERROR"
        case .critical: return "CRITICAL"
        }
    }
}
