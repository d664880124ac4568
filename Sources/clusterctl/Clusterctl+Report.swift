import ArgumentParser
import ClusterdCore
import ClusterdRPC
import ClusterdReport
import Foundation

extension Clusterctl {
    /// `clusterctl report`.
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the topic report (map, hierarchy, history, lineage, metrics) as one HTML file.",
            discussion: """
                Fetches the report's model from the server in pages (GetReport) and renders the page locally with \
                the same code as the HTTP gateway's GET /report. The file is self-contained: inline CSS, SVG and \
                script, no external URL.

                \(ExitCodes.help)
                """
        )

        @OptionGroup var connection: ConnectionOptions

        @Option(name: .customLong("html"), help: "The file to write ('-': standard output).")
        var file: String

        @Option(help: "Run id (default: the latest successful run).")
        var run: String?

        @Flag(name: .customLong("no-text"), help: "Leave the representative messages' text out.")
        var noText = false

        @Option(help: .hidden)
        var pageSize: UInt32 = 0

        func run() async throws {
            let model = try await connection.withClient { client in
                try await Self.fetch(client, runID: run ?? "", noText: noText, pageSize: pageSize)
            }
            let html = ReportHTML.render(model)
            if file == "-" {
                print(html)
                return
            }
            try Data(html.utf8).write(to: URL(fileURLWithPath: file))
            let base = model.baseClusters.count
            FileHandle.standardError.write(
                Data("wrote \(file): run \(model.run.id), \(base) base clusters, \(model.clusters.count) in all\n".utf8)
            )
        }

        /// The whole model, page by page; later pages name the first page's run, so a run published meanwhile
        /// does not mix two runs.
        static func fetch(
            _ client: ClusterdClient,
            runID: String,
            noText: Bool,
            pageSize: UInt32
        ) async throws -> ReportModel {
            var pages: [ReportModel] = []
            var request = ReportPageRequest(runID: runID, noText: noText, limit: pageSize)
            while true {
                let page = try await client.reportPage(request)
                pages.append(try ReportModel(jsonData: Data(page.modelJSON.utf8)))
                guard page.nextOffset < page.totalClusters, page.nextOffset > request.offset else { break }
                request.runID = page.runID
                request.offset = page.nextOffset
            }
            guard let model = ReportModel.joining(pages) else { throw ValidationError("the server sent no report") }
            return model
        }
    }
}
