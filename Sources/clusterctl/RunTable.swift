import ClusterdCore
import Foundation

/// Renders clustering runs as a table or as JSON.
enum RunTable {
    static func render(_ runs: [RunSummary], terminal: Terminal) -> String {
        guard !runs.isEmpty else { return "no clustering runs yet" }
        let header = ["RUN ID", "STATUS", "STARTED", "DURATION", "CONVERSATIONS", "CLUSTERS", "REASON / ERROR"]
        let rows = runs.map { run in
            [
                run.id, run.status, ServiceStatus.isoText(run.createdAt),
                run.finishedAt == nil ? "-" : duration(milliseconds: run.durationMs), "\(run.totalConversations)",
                "\(run.clustersCreated)", PrintableText.escaped(run.error.isEmpty ? run.triggerReason : run.error),
            ]
        }
        let widths = (0..<header.count - 1).map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        func line(_ cells: [String], status: String?) -> String {
            var parts: [String] = []
            for (column, cell) in cells.enumerated() {
                guard column < widths.count else {
                    parts.append(cell)
                    continue
                }
                let padded = cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                parts.append(
                    column == 1 && status != nil ? terminal.runStatus(status!) + padded.dropFirst(cell.count) : padded
                )
            }
            return parts.joined(separator: "  ")
        }
        return ([terminal.paint(line(header, status: nil), .bold)] + rows.map { line($0, status: $0[1]) })
            .joined(separator: "\n")
    }

    /// "850 ms", "12.3 s", "4 min 05 s".
    static func duration(milliseconds: Int) -> String {
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        let seconds = Double(milliseconds) / 1000
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds)
        return String(format: "%d min %02d s", whole / 60, whole % 60)
    }

    /// The runs as a JSON array, each in the shape of status --json's runs.
    static func json(_ runs: [RunSummary]) -> String {
        let array = runs.map(ServiceStatus.runObject)
        let data =
            (try? JSONSerialization.data(withJSONObject: array, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
