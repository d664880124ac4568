import ClusterdCore
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd {
    /// The topic report of a real clusterd process on the embedded MongoDB: the gateway's GET /report and
    /// `clusterctl report --html` (GetReport pages) give the same page.
    @Suite("Topic report", .timeLimit(.minutes(5)))
    struct Report {
        @Test("GET /report and clusterctl report --html show every cluster of the latest run, with or without text")
        func reportOverHTTPAndRPC() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let corpus = Corpus(conversationsPerTopic: 3, messagesPerConversation: 2)
            try corpus.insert(into: store)
            try await ServerProcess.with(store: configuration, environment: Gateway.environment) { server in
                let early = try await Gateway.get(server, "/report")
                #expect(early.status == 404, "\(early)")
                for id in corpus.messageIDs {
                    #expect(try await Gateway.post(server, "/api/messages/\(id)/trigger-analysis").status == 200)
                }
                try await waitUntil("every message analysed", timeout: .seconds(60)) {
                    try store.countAnalyses() == corpus.messages.count
                }
                // Two runs, a report after each: the second has a previous run (growth, two points per size line)
                // and its map is aligned to the first report's saved layout.
                var runs: [String] = []
                var firstPage = ""
                for _ in 0..<2 {
                    #expect(try await Gateway.post(server, "/api/clustering/background-force").status == 200)
                    try await waitUntil("a forced run to succeed", timeout: .seconds(60)) {
                        guard let run = try store.latestSuccessfulRun(), !runs.contains(run.id.description) else {
                            return false
                        }
                        runs.append(run.id.description)
                        return true
                    }
                    // Automatic runs may come and go meanwhile: name the run.
                    let report = try await Gateway.get(server, "/report?run=\(runs[runs.count - 1])")
                    #expect(report.status == 200, "\(report)")
                    if firstPage.isEmpty { firstPage = report.text }
                }
                #expect(try store.savedMapLayouts().map(\.runID) == runs)
                // The first run's report, asked for again after the second run, is the same page (its saved layout).
                let again = try await Gateway.get(server, "/report?run=\(runs[0])")
                #expect(again.text == firstPage)
                let run = try #require(try store.run(id: RecordID.objectID(runs[1])))
                let clusters = try store.clusters(runID: run.id)
                let base = clusters.filter { $0.level == 0 }

                let port = try #require(server.httpPort)
                #expect(try await HTTPTestClient.fetch(port: port, "GET", "/report").status == 401)
                let latest = try await Gateway.get(server, "/report")
                #expect(latest.status == 200, "\(latest)")
                let page = try await Gateway.get(server, "/report?run=\(runs[1])")
                #expect(page.status == 200, "\(page)")
                #expect(page.header("content-type") == "text/html; charset=utf-8")
                let html = page.text
                #expect(Self.count("<g class=\"bubble\" data-id=", in: html) == base.count)
                #expect(Self.count("class=\"node", in: html) == clusters.count)
                for cluster in base { #expect(html.contains("data-id=\"\(cluster.stableID)\" aria-label=")) }
                #expect(html.contains(run.id.description))
                #expect(!html.lowercased().contains("http:") && !html.lowercased().contains("https:"))
                let texts = corpus.messages.map { String($0.content.prefix(30)) }
                #expect(texts.contains { html.contains($0) }, "no representative message in the page")

                let bare = try await Gateway.get(server, "/report?no_text=1&run=\(runs[1])")
                #expect(bare.status == 200)
                #expect(!texts.contains { bare.text.contains($0) }, "message text despite no_text=1")
                #expect(try await Gateway.get(server, "/report?run=65a1b2c3d4e5f60718293a4b").status == 404)

                // clusterctl fetches the model in pages (2 clusters each here) and renders the same page.
                let clusterctl = try #require(TestBinaries.clusterctl)
                let file = FileManager.default.temporaryDirectory
                    .appendingPathComponent("clusterd-report-\(UUID().uuidString).html")
                defer { try? FileManager.default.removeItem(at: file) }
                let cli = try await ChildProcess.run(
                    clusterctl,
                    [
                        "report", "--html", file.path, "--run", runs[1], "--page-size", "2", "--address",
                        server.address, "--token", Gateway.token,
                    ],
                    timeout: .seconds(60)
                )
                #expect(cli.exitCode == 0, "\(cli.stderr)")
                let written = try String(contentsOf: file, encoding: .utf8)
                #expect(written == html, "clusterctl's page differs from GET /report's")

                // An erasure takes a quoted message out of the next report (the built model is not reused).
                let quoted = try #require(corpus.messages.first { html.contains(String($0.content.prefix(30))) })
                let prefix = String(quoted.content.prefix(30))
                let sameText = corpus.messages.filter { $0.content.hasPrefix(prefix) }
                for conversation in Set(sameText.map(\.conversationID.description)) {
                    #expect(try await Gateway.post(server, "/api/conversations/\(conversation)/forget").status == 200)
                }
                let afterErasure = try await Gateway.get(server, "/report?run=\(runs[1])")
                #expect(afterErasure.status == 200)
                #expect(!afterErasure.text.contains(prefix), "an erased message is quoted")
            }
        }

        /// Occurrences of `needle` in `text`.
        static func count(_ needle: String, in text: String) -> Int {
            text.components(separatedBy: needle).count - 1
        }
    }
}
