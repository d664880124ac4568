import Foundation
import Logging

/// Writes one JSON object per line (`CLUSTERD_LOG_FORMAT=json`):
/// `{"label":"…","level":"info","message":"…","metadata":{…},"timestamp":"2025-01-10T21:30:00.123Z"}`.
/// Secrets are masked by `redactor` in the message and the metadata.
public struct JSONLogHandler: LogHandler {
    /// Level below which messages are dropped.
    public var logLevel: Logger.Level = .info
    /// Metadata attached to every line.
    public var metadata: Logger.Metadata = [:]
    /// Masks secrets.
    public var redactor: LogRedactor
    private let label: String
    private let sink: @Sendable (String) -> Void

    /// A handler writing to standard error (through `LogWriter.standardError`, off the caller's thread).
    public init(label: String, redactor: LogRedactor = LogRedactor()) {
        self.init(label: label, redactor: redactor) { line in
            LogWriter.standardError.write(line)
        }
    }

    /// A handler writing each line to `sink` (for tests).
    public init(label: String, redactor: LogRedactor = LogRedactor(), sink: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.redactor = redactor
        self.sink = sink
    }

    /// Metadata by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Formats and writes one line.
    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let object: [String: Any] = [
            "timestamp": Self.timestamp(Date()),
            "level": event.level.rawValue,
            "label": label,
            "message": redactor.scrub("\(event.message)"),
            "metadata": merged.mapValues { json($0) },
        ]
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: object,
                options: [.sortedKeys, .withoutEscapingSlashes]
            )
        else { return }
        sink(String(decoding: data, as: UTF8.self))
    }

    private func json(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let text): return redactor.scrub(text)
        case .stringConvertible(let convertible): return redactor.scrub(convertible.description)
        case .array(let values): return values.map { json($0) }
        case .dictionary(let values): return values.mapValues { json($0) }
        }
    }

    /// `2025-01-10T21:30:00.123Z` (UTC, milliseconds).
    static func timestamp(_ date: Date) -> String {
        LogTimestamp.milliseconds(date)
    }
}
