import ArgumentParser
import Foundation

/// Where `clusterctl export` writes its lines: a file (created or truncated) or standard output.
final class ExportSink {
    private let handle: FileHandle
    private let ownsHandle: Bool

    /// Opens `path` for writing, or standard output for nil; a file that cannot be created is a usage error.
    init(path: String?) throws {
        guard let path else {
            handle = FileHandle.standardOutput
            ownsHandle = false
            return
        }
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw ValidationError("cannot write --output \(path)") }
        self.handle = handle
        ownsHandle = true
    }

    /// Writes the lines, each ended by a line feed.
    func write(_ lines: [String]) throws {
        guard !lines.isEmpty else { return }
        try handle.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    /// Closes a file (standard output stays open).
    func close() {
        if ownsHandle { try? handle.close() }
    }
}
