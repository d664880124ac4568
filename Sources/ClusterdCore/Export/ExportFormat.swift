/// The file format of `clusterctl export`.
public enum ExportFormat: String, Sendable, Equatable, CaseIterable {
    /// Comma-separated values (RFC 4180: CRLF-free, fields quoted when they hold a comma, quote or line break) with
    /// a header row.
    case csv
    /// One JSON object per line.
    case jsonl
}
