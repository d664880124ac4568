import ClusterdCore
import Foundation
import Synchronization

/// The assignment exports between two page requests, by token: an export's cursor stays open on the server while
/// its client asks for the next page, and is closed when read to its end, when idle for `idleSeconds`, or when
/// `capacity` newer exports push it out.
final class ExportCursors: Sendable {
    /// An open export and when it was last used.
    private struct Entry {
        var export: any AssignmentExporting
        var runID: RecordID
        var lastUsed: Date
    }

    /// Seconds an export may wait for its next page.
    let idleSeconds: Double
    /// Exports held open at most.
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    /// A registry holding at most `capacity` exports, each at most `idleSeconds` between pages.
    init(idleSeconds: Double = 300, capacity: Int = 16) {
        self.idleSeconds = idleSeconds
        self.capacity = capacity
    }

    /// Takes the export of `token` out (nil when unknown, expired, or of another run); exports idle too long are
    /// closed on the way.
    func take(_ token: String, runID: RecordID, now: Date) -> (any AssignmentExporting)? {
        let (found, expired) = entries.withLock { entries -> ((any AssignmentExporting)?, [any AssignmentExporting]) in
            var expired: [any AssignmentExporting] = []
            for (key, entry) in entries where now.timeIntervalSince(entry.lastUsed) > idleSeconds {
                expired.append(entry.export)
                entries[key] = nil
            }
            guard let entry = entries.removeValue(forKey: token) else { return (nil, expired) }
            guard entry.runID == runID else {
                expired.append(entry.export)
                return (nil, expired)
            }
            return (entry.export, expired)
        }
        for export in expired { export.close() }
        return found
    }

    /// Holds `export` for its next page; returns its token. The least recently used export beyond `capacity` is
    /// closed.
    func put(_ export: any AssignmentExporting, runID: RecordID, token: String? = nil, now: Date) -> String {
        let token = token ?? Self.newToken()
        let evicted = entries.withLock { entries -> (any AssignmentExporting)? in
            entries[token] = Entry(export: export, runID: runID, lastUsed: now)
            guard entries.count > capacity, let oldest = entries.min(by: { $0.value.lastUsed < $1.value.lastUsed })
            else { return nil }
            entries[oldest.key] = nil
            return oldest.value.export
        }
        evicted?.close()
        return token
    }

    /// Closes every held export (at shutdown).
    func closeAll() {
        let all = entries.withLock { entries in
            defer { entries = [:] }
            return Array(entries.values.map(\.export))
        }
        for export in all { export.close() }
    }

    /// 32 random hex digits.
    private static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(generator.next() as UInt64, radix: 16).leftPadded(to: 16) }.joined()
    }
}

extension String {
    /// The text with zeros in front up to `length` characters.
    fileprivate func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }
}
