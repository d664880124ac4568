import ClusterdCore
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd {
    @Suite(
        "clusterctl export, history and topic curation",
        .enabled(if: TestBinaries.clusterctl != nil, "clusterctl is not built")
    )
    struct ClusterctlCuration {
        private static func clusterctl(_ arguments: [String]) async throws -> ChildProcess.Output {
            let program = try #require(TestBinaries.clusterctl)
            return try await ChildProcess.run(
                program,
                arguments,
                environment: ChildProcess.baseEnvironment,
                timeout: .seconds(60)
            )
        }

        @Test("export writes CSV and JSON Lines in pages; topic rename shows in clusters, history and the log")
        func exportAndRename() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let corpus = Corpus(conversationsPerTopic: 3, messagesPerConversation: 2)
            try corpus.insert(into: store)
            let conversations = Set(corpus.messages.map(\.conversationID.description))
            try await ServerProcess.with(store: configuration, environment: Clusterctl.fallbackEmbedder) { server in
                let address = ["--address", server.address]
                let force = try await Self.clusterctl(["force", "--wait", "--wait-timeout", "60"] + address)
                #expect(force.exitCode == 0 && force.stdout.contains("succeeded"), "\(force.stdout)\(force.stderr)")
                let run = try #require(try store.latestSuccessfulRun())

                let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: directory) }
                let csvPath = directory.appendingPathComponent("assignments.csv").path
                let csv = try await Self.clusterctl(
                    ["export", "--format", "csv", "--output", csvPath, "--page-size", "2"] + address
                )
                #expect(csv.exitCode == 0, "\(csv.stderr)")
                #expect(csv.stderr.contains("exported \(conversations.count) assignment(s)"), "\(csv.stderr)")
                let lines = try String(contentsOfFile: csvPath, encoding: .utf8).split(separator: "\n")
                #expect(
                    lines.first?.hasPrefix("conversation_id,run_id,provisional,distance,assigned_at,stable_id_l0")
                        == true
                )
                #expect(lines.count == conversations.count + 1, "a header and one row per conversation")
                #expect(Set(lines.dropFirst().map { String($0.prefix { $0 != "," }) }) == conversations)
                #expect(lines.dropFirst().allSatisfy { $0.contains(",\(run.id),false,") })

                let jsonl = try await Self.clusterctl(
                    ["export", "--format", "jsonl", "--records", "clusters"] + address
                )
                #expect(jsonl.exitCode == 0, "\(jsonl.stderr)")
                let clusters = try jsonl.stdout.split(separator: "\n").map {
                    try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
                }
                #expect(clusters.count == (try store.clusters(runID: run.id)).count)
                let topic = try #require(
                    clusters.first { ($0["level"] as? Int) == 0 && ($0["stable_id"] as? String) != "other" }
                )
                let stableID = try #require(topic["stable_id"] as? String)
                #expect(topic["record"] as? String == "cluster" && topic["top_concepts"] is [String])

                let rename = try await Self.clusterctl(["topic", "rename", stableID, "Hand, \"named\""] + address)
                #expect(
                    rename.exitCode == 0 && rename.stdout.contains("renamed topic \(stableID)"),
                    "\(rename.stdout)\(rename.stderr)"
                )
                let unknown = try await Self.clusterctl(["topic", "rename", "c-nowhere", "x"] + address)
                #expect(unknown.exitCode == 66, "NOT_FOUND: \(unknown.stderr)")
                let itself = try await Self.clusterctl(["topic", "merge", stableID, stableID] + address)
                #expect(itself.exitCode == 65, "INVALID_ARGUMENT: \(itself.stderr)")

                let table = try await Self.clusterctl(["export", "--records", "clusters"] + address)
                #expect(table.stdout.contains("\(stableID),0,"), "\(table.stdout)")
                #expect(table.stdout.contains("\"Hand, \"\"named\"\"\""), "CSV quoting: \(table.stdout)")

                let history = try await Self.clusterctl(["clusters", "--history", stableID, "--json"] + address)
                #expect(history.exitCode == 0, "\(history.stderr)")
                let object = try #require(
                    try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any]
                )
                let runs = try #require(object["runs"] as? [[String: Any]])
                #expect(runs.first?["run_id"] as? String == run.id.description)
                #expect(runs.first?["name"] as? String == "Hand, \"named\"")

                let log = try await Self.clusterctl(["topic", "log", "--json"] + address)
                let entries = try #require(
                    try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [String: Any]
                )
                let changes = try #require(entries["changes"] as? [[String: Any]])
                #expect(changes.count == 1)
                #expect(changes.first?["action"] as? String == "rename")
                #expect(
                    (changes.first?["by"] as? String)?.hasPrefix("local (clusterctl") == true,
                    "no token: local, with the client name"
                )
            }
        }

        @Test("with a token, a change is logged under the token and the client's name; merge applies from the next run")
        func tokenAndMerge() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let corpus = Corpus(conversationsPerTopic: 3, messagesPerConversation: 2)
            try corpus.insert(into: store)
            let token = "e2e-token-\(UUID().uuidString)"
            var environment = Clusterctl.fallbackEmbedder
            environment["CLUSTERD_TOKEN"] = token
            environment["CLUSTERD_FIXED_K"] = "3"
            try await ServerProcess.with(store: configuration, environment: environment) { server in
                let options = ["--address", server.address, "--token", token]
                let force = try await Self.clusterctl(["force", "--wait", "--wait-timeout", "60"] + options)
                #expect(force.exitCode == 0, "\(force.stdout)\(force.stderr)")
                let run = try #require(try store.latestSuccessfulRun())
                let base = try store.clusters(runID: run.id).filter { $0.level == 0 && $0.stableID != "other" }
                try #require(base.count >= 2)
                let merge = try await Self.clusterctl(["topic", "merge", base[1].stableID, base[0].stableID] + options)
                #expect(merge.exitCode == 0 && merge.stdout.contains("next run"), "\(merge.stdout)\(merge.stderr)")
                let log = try #require(try store.curationChanges(stableID: nil, limit: 5).first)
                #expect(log.by.hasPrefix("token (clusterctl"), "\(log.by)")

                let again = try await Self.clusterctl(["force", "--wait", "--wait-timeout", "60"] + options)
                #expect(again.exitCode == 0, "\(again.stdout)\(again.stderr)")
                let next = try #require(try store.latestSuccessfulRun())
                #expect(next.id != run.id)
                let ids = Set(try store.clusters(runID: next.id).map(\.stableID))
                #expect(ids.contains(base[0].stableID) && !ids.contains(base[1].stableID), "\(ids)")
                let history = try await Self.clusterctl(["clusters", "--history", base[1].stableID] + options)
                #expect(
                    history.exitCode == 0 && history.stdout.contains("absent"),
                    "\(history.stdout)\(history.stderr)"
                )
            }
        }
    }
}
