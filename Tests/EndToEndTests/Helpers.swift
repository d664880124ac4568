import ClusterdCore
import ClusterdRPC
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

/// Runs `body` and checks that it fails with an `RPCError` carrying `code`.
func expectRPCError(
    _ code: RPCStatusCode,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async {
    do {
        try await body()
        Issue.record("expected \(code), but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as RPCError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected RPCError \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

/// The record id a run id from the wire names.
func runRecordID(_ text: String) -> RecordID {
    RecordID.candidates(for: text).first ?? .string(text)
}

/// Number of run documents with each status.
func runStatuses(_ store: MongoStore) throws -> [RunStatus: Int] {
    var counts: [RunStatus: Int] = [:]
    for run in try store.recentRuns(limit: 1_000) { counts[run.status, default: 0] += 1 }
    return counts
}

/// A seed-format log line: `YYYY-MM-DD HH:MM:SS - BackgroundClusteringService - LEVEL - text`.
func logLines(_ log: String, level: String = "INFO", containing text: String) -> [Substring] {
    log.split(separator: "\n").filter { line in
        line.contains(text) && isSeedLine(line) && line.contains(" - \(level) - ")
    }
}

/// True for a line in the seed's log format.
func isSeedLine(_ line: Substring) -> Bool {
    line.wholeMatch(of: /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - BackgroundClusteringService - [A-Z]+ - .+/) != nil
}
