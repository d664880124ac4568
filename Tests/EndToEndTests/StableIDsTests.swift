import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd {
    @Suite("Stable ids and run metrics", .enabled(if: TestBinaries.clusterctl != nil, "clusterctl is not built"))
    struct StableIDs {
        private static func clusterctl(_ arguments: [String]) async throws -> ChildProcess.Output {
            let program = try #require(TestBinaries.clusterctl)
            let output = try await ChildProcess.run(program, arguments, timeout: .seconds(60))
            #expect(output.exitCode == 0, "clusterctl \(arguments): \(output.stdout)\(output.stderr)")
            return output
        }

        private static func json(_ output: ChildProcess.Output) throws -> [String: Any] {
            let parsed = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8))
            return try #require(parsed as? [String: Any], "\(output.stdout)")
        }

        /// stable id → (name, size) of a `clusters --json` listing.
        private static func clusters(_ listing: [String: Any]) throws -> [String: String] {
            let clusters = try #require(listing["clusters"] as? [[String: Any]])
            var result: [String: String] = [:]
            for cluster in clusters {
                let id = try #require(cluster["stable_id"] as? String)
                result[id] = "\(cluster["name"] as? String ?? "?") (\(cluster["size"] as? Int ?? -1))"
            }
            return result
        }

        @Test("two runs over unchanged data keep stable ids and names; clusterctl shows ids, names, sizes and metrics")
        func twoRunsKeepStableIDs() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let corpus = Corpus(conversationsPerTopic: 3, messagesPerConversation: 2)
            try corpus.insert(into: store)
            let environment = [
                "BACKGROUND_CLUSTERING_ENABLED": "false", "CLUSTERD_FIXED_K": "3", "CLUSTERD_MIN_CLUSTER_SIZE": "2",
            ]
            try await ServerProcess.with(store: configuration, environment: environment) { server in
                let address = ["--address", server.address]
                let force = ["force", "--wait", "--wait-timeout", "60"] + address
                _ = try await Self.clusterctl(force)
                let first = try Self.json(try await Self.clusterctl(["clusters", "--json"] + address))
                _ = try await Self.clusterctl(force)
                let second = try Self.json(try await Self.clusterctl(["clusters", "--json"] + address))

                // Same stable ids, names and sizes; a different run.
                let firstRun = try #require(first["run"] as? [String: Any])
                let secondRun = try #require(second["run"] as? [String: Any])
                let secondID = try #require(secondRun["id"] as? String)
                #expect(firstRun["id"] as? String != secondID)
                let before = try Self.clusters(first)
                #expect(before.count == 3)
                #expect(try Self.clusters(second) == before)

                // Metrics and lineage of the second run.
                let firstMetrics = try #require(firstRun["metrics"] as? [String: Any])
                #expect(firstMetrics["churn"] is NSNull)
                let metrics = try #require(secondRun["metrics"] as? [String: Any], "\(secondRun)")
                #expect(metrics["churn"] as? Double == 0)
                #expect(metrics["adjusted_rand_index"] as? Double == 1)
                #expect(metrics["compared_conversations"] as? Int == corpus.conversations.count)
                #expect(metrics["k"] as? Int == 3)
                #expect((metrics["sizes"] as? [Int])?.reduce(0, +) == corpus.conversations.count)
                #expect(metrics["silhouette"] is Double)
                let lineage = try #require(secondRun["lineage"] as? [[String: Any]])
                #expect(lineage.count == 3 && lineage.allSatisfy { $0["kind"] as? String == "continued" })

                // The table: stable id, size, name and lineage per cluster, and the run's metrics.
                let table = try await Self.clusterctl(["clusters"] + address).stdout
                let lines = table.split(separator: "\n").map(String.init)
                #expect(lines.first?.hasPrefix("run \(secondID) (succeeded): 3 clusters") == true, "\(table)")
                #expect(lines.contains { $0.contains("silhouette ") && $0.contains("3 clusters: ") }, "\(table)")
                #expect(lines.contains { $0.contains("vs previous run: churn 0.0%, ARI 1.000") }, "\(table)")
                #expect(lines.contains { $0.hasSuffix("lineage: 3 continued") }, "\(table)")
                #expect(lines.contains { $0.hasPrefix("STABLE ID") && $0.contains("LINEAGE") })
                let listing = try #require(second["clusters"] as? [[String: Any]])
                for cluster in listing {
                    let id = try #require(cluster["stable_id"] as? String)
                    let name = try #require(cluster["name"] as? String)
                    let size = try #require(cluster["size"] as? Int)
                    let row = lines.first { $0.hasPrefix(id + " ") }
                    #expect(row?.contains(" \(size) ") == true, "\(table)")
                    #expect(row?.contains(name) == true, "\(table)")
                    #expect(row?.contains("continued") == true, "\(table)")
                }

                // Status: the settings in force and the latest run's metrics.
                let status = try await Self.clusterctl(["status"] + address).stdout
                #expect(status.contains("fixed:3 / 2"), "\(status)")
                #expect(status.contains("churn 0.0%, ARI 1.000"), "\(status)")
                let seed = try Self.json(try await Self.clusterctl(["status", "--json"] + address))
                let latest = try #require(seed["latest_clustering_run"] as? [String: Any])
                #expect(latest["id"] as? String == secondID)
                #expect((latest["metrics"] as? [String: Any])?["churn"] as? Double == 0)
                #expect((seed["operator"] as? [String: Any])?["min_cluster_size"] as? Int == 2)
            }

            // MongoDB agrees: the run document carries the lineage and metrics.
            let runs = try store.recentRuns(limit: 2)
            try #require(runs.count == 2)
            #expect(runs[0].metrics?.churn == 0)
            #expect(runs[0].lineage.map(\.kind) == [.continued, .continued, .continued])
            #expect(runs[1].lineage.map(\.kind) == [.born, .born, .born])
        }

        @Test("CLUSTERD_FIXED_K 0 leaves the silhouette rule; a negative one refuses to start with a clear error")
        func kSettings() async throws {
            let configuration = try EmbeddedMongo.configuration()
            try await ServerProcess.with(store: configuration, environment: ["CLUSTERD_FIXED_K": "0"]) { server in
                let client = try await server.connect()
                let status = try await client.status()
                await client.close()
                #expect(status.kRule == "grid")
                #expect(status.minClusterSize == 1)
            }
            do {
                let server = try await ServerProcess.start(
                    store: configuration,
                    environment: ["CLUSTERD_FIXED_K": "-1"]
                )
                Issue.record("clusterd started with CLUSTERD_FIXED_K=-1")
                await server.terminate()
            } catch let error as ServerProcess.StartError {
                #expect(
                    error.description.contains("CLUSTERD_FIXED_K must be a non-negative integer, not -1"),
                    "\(error)"
                )
            }
        }
    }
}
