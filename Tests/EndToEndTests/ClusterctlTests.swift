import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd {
    @Suite("clusterctl", .enabled(if: TestBinaries.clusterctl != nil, "clusterctl is not built"))
    struct Clusterctl {
        private static func clusterctl(_ arguments: [String]) async throws -> ChildProcess.Output {
            let program = try #require(TestBinaries.clusterctl)
            return try await ChildProcess.run(program, arguments, timeout: .seconds(30))
        }

        @Test("--help lists the subcommands and the exit codes")
        func help() async throws {
            let output = try await Self.clusterctl(["--help"])
            #expect(output.exitCode == 0)
            let text = output.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            for word in ["status", "force", "trigger", "clusters", "Exit codes:", "69 server unreachable"] {
                #expect(text.contains(word), "--help lacks \(word):\n\(output.stdout)")
            }
        }

        @Test("status --json has exactly the seed's keys; force --wait reports the run; clusters prints a table")
        func againstLiveServer() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let corpus = Corpus(conversationsPerTopic: 1, messagesPerConversation: 2)
            try corpus.insert(into: store)
            try await ServerProcess.with(store: configuration) { server in
                let address = ["--address", server.address]
                let trigger = try await Self.clusterctl(["trigger"] + address + corpus.messageIDs.prefix(2))
                #expect(trigger.exitCode == 0, "\(trigger.stderr)")

                let force = try await Self.clusterctl(["force", "--wait", "--wait-timeout", "30"] + address)
                #expect(force.exitCode == 0, "\(force.stdout)\(force.stderr)")
                #expect(force.stdout.contains("succeeded"), "\(force.stdout)")

                let output = try await Self.clusterctl(["status", "--json"] + address)
                #expect(output.exitCode == 0, "\(output.stderr)")
                let parsed = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8))
                let object = try #require(parsed as? [String: Any], "\(output.stdout)")
                let seedKeys: Set<String> = [
                    "enabled", "clustering_in_progress", "unprocessed_messages", "minutes_since_last_clustering",
                    "should_trigger_clustering", "trigger_reason", "configuration", "latest_clustering_run",
                ]
                #expect(Set(object.keys) == seedKeys.union(["operator"]))
                let settings = try #require(object["configuration"] as? [String: Any])
                #expect(Set(settings.keys) == ["message_threshold", "time_threshold_minutes"])
                #expect(settings["message_threshold"] as? Int == 3)
                #expect(object["enabled"] as? Bool == true)
                let run = try #require(object["latest_clustering_run"] as? [String: Any], "no run in \(output.stdout)")
                #expect(run["status"] as? String == "succeeded")
                let runID = try #require(run["id"] as? String)

                let table = try await Self.clusterctl(["clusters"] + address)
                #expect(table.exitCode == 0, "\(table.stderr)")
                let lines = table.stdout.split(separator: "\n")
                #expect(lines.first?.hasPrefix("run \(runID) (succeeded)") == true, "\(table.stdout)")
                #expect(lines.contains { $0.hasPrefix("STABLE ID") && $0.contains("SIZE") && $0.contains("NAME") })
                #expect(lines.count >= 4, "a header line, a column header and at least two clusters")
            }
        }

        @Test("status against a closed port exits 69 with 'cannot connect to 127.0.0.1:PORT: connection refused'")
        func closedPort() async throws {
            let port = try EmbeddedMongo.freePort()
            let output = try await Self.clusterctl(["status", "--address", "127.0.0.1:\(port)", "--timeout", "5"])
            #expect(output.exitCode == 69)
            #expect(
                output.stderr.contains("cannot connect to 127.0.0.1:\(port): connection refused"),
                "\(output.stderr)"
            )
        }
    }
}
