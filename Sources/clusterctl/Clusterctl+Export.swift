import ArgumentParser
import ClusterdCore
import ClusterdRPC
import Foundation

extension Clusterctl {
    /// `clusterctl export`.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a run's assignments or clusters as CSV or JSON Lines.",
            discussion: """
                Assignments (the default): one row per conversation of the run (latest successful by default) \
                with its stable id at every level, base cluster first (CSV: stable_id_l0, stable_id_l1, …; JSON: \
                stable_ids), the distance, and provisional=false; then one row per conversation analysed since \
                and placed provisionally against the run (provisional=true, assigned_at). Clusters \
                (--records clusters): stable id, level, parent, name, description, size, top concepts. CSV has a \
                header row and quotes fields as RFC 4180 does. Rows arrive in pages (at most 5,000 each), written \
                as they come, so an export of any size never needs one large reply.

                \(ExitCodes.help)
                """
        )

        /// The file format, as the option reads it.
        enum Format: String, ExpressibleByArgument, CaseIterable {
            case csv
            case jsonl
        }

        /// What the export holds.
        enum Records: String, ExpressibleByArgument, CaseIterable {
            case assignments
            case clusters
        }

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "csv or jsonl.")
        var format: Format = .csv

        @Option(help: "Run id (default: the latest successful run).")
        var run: String?

        @Option(help: "Write to this file instead of standard output.")
        var output: String?

        @Option(help: "assignments or clusters.")
        var records: Records = .assignments

        @Flag(help: "Leave out provisional placements.")
        var noProvisional = false

        @Option(help: ArgumentHelp("Rows per page (0: the server's default).", visibility: .hidden))
        var pageSize: UInt32 = 0

        func run() async throws {
            let sink = try ExportSink(path: output)
            defer { sink.close() }
            let summary = try await connection.withClient { client in
                let listing = try await client.listClusters(runID: run ?? "")
                let writer = ExportWriter(
                    format: format == .csv ? .csv : .jsonl,
                    runID: listing.run.id,
                    clusters: listing.clusters
                )
                switch records {
                case .clusters:
                    try sink.write([writer.clustersHeader].compactMap { $0 } + listing.clusters.map(writer.line))
                    return "exported \(listing.clusters.count) cluster(s) of run \(listing.run.id)"
                case .assignments:
                    if let header = writer.assignmentsHeader { try sink.write([header]) }
                    let assigned = try await pages(client, runID: listing.run.id, provisional: false, writer, sink)
                    let provisional =
                        noProvisional
                        ? 0 : try await pages(client, runID: listing.run.id, provisional: true, writer, sink)
                    return
                        "exported \(assigned) assignment(s) and \(provisional) provisional placement(s) of run \(listing.run.id)"
                }
            }
            if output != nil { Terminal.writeError(summary + "\n") }
        }

        /// Writes every page of one kind of row; returns how many rows.
        private func pages(
            _ client: ClusterdClient,
            runID: String,
            provisional: Bool,
            _ writer: ExportWriter,
            _ sink: ExportSink
        ) async throws -> Int {
            var request = ExportRequest(runID: runID, provisional: provisional, limit: pageSize)
            var count = 0
            while true {
                let page = try await client.exportPage(request)
                try sink.write(page.rows.map(writer.line))
                count += page.rows.count
                if page.done || page.nextAfter.isEmpty { return count }
                request.after = page.nextAfter
            }
        }
    }
}
