import ClusterdCore
import ClusterdRPC
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd {
    @Suite("Claude through the real server process, against a fake Messages API on loopback")
    struct Claude {
        @Test("concept_source is claude, clusters carry the fake's names, status and clusterctl show the LLM")
        func conceptsAndNamesByClaude() async throws {
            let fake = try FakeAnthropicServer(apiKey: "test-key")
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let corpus = Corpus(conversationsPerTopic: 2, messagesPerConversation: 2)
            try corpus.insert(into: store)
            let server = try await ServerProcess.start(
                store: configuration,
                environment: [
                    "ANTHROPIC_API_KEY": "test-key",
                    "ANTHROPIC_BASE_URL": fake.baseURL,
                    "CLUSTERD_ANTHROPIC_MODEL": "claude-e2e-model",
                    "CLUSTERD_FIXED_K": "3",
                    "CLUSTERD_MIN_CLUSTER_SIZE": "2",
                    "BACKGROUND_CLUSTERING_ENABLED": "false",
                ]
            )
            let client = try await server.connect()
            _ = try await client.forceClustering()
            try await waitUntil("a successful run", timeout: .seconds(60)) {
                let status = try await client.status()
                return status.latestClusteringRun != nil && !status.clusteringInProgress
            }

            // Analysis writes local concepts at once; Claude's fill in from the backlog, several messages a request.
            try await waitUntil("every analysis upgraded to Claude's concepts", timeout: .seconds(60)) {
                try corpus.messages.allSatisfy { try store.analysis(messageID: $0.id)?.conceptSource == "claude" }
            }
            for message in corpus.messages {
                let analysis = try #require(try store.analysis(messageID: message.id))
                #expect(analysis.language == "en")
                #expect(!analysis.concepts.isEmpty)
            }
            try await waitUntil("every cluster named by Claude", timeout: .seconds(60)) {
                let clusters = try await client.listClusters().clusters.filter { $0.stableID != "other" }
                return !clusters.isEmpty && clusters.allSatisfy { $0.name.hasPrefix("Fake group: ") }
            }
            let listing = try await client.listClusters()
            let named = listing.clusters.filter { $0.stableID != "other" }
            for cluster in named {
                #expect(cluster.description.hasPrefix("Conversations about "))
            }

            let requests = try fake.requests()
            #expect(requests.count < corpus.messages.count + named.count, "concept requests carry several messages")
            // At least one concept request and one naming request (the clusters are named together, in a batch).
            #expect(requests.count >= 2)
            #expect(requests.contains { ($0.body).contains("JSON array of groups") })
            #expect(requests.allSatisfy { $0.headers["x-api-key"] == "test-key" && $0.status == 200 })
            #expect(requests.allSatisfy { $0.json?["model"] as? String == "claude-e2e-model" })

            let status = try await client.status()
            #expect(status.llm.state == "ok")
            #expect(status.llm.model == "claude-e2e-model")
            #expect(status.llm.calls == requests.count)
            #expect(status.llm.tokensToday > 0)
            #expect(!status.degraded.contains("llm"))

            let program = try #require(TestBinaries.clusterctl)
            let table = try await ChildProcess.run(program, ["status", "--address", server.address])
            #expect(table.exitCode == 0, "\(table.stderr)")
            #expect(table.stdout.contains("ok (claude-e2e-model)"), "\(table.stdout)")
            let json = try await ChildProcess.run(program, ["status", "--json", "--address", server.address])
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            let llm = (object?["operator"] as? [String: Any])?["llm"] as? [String: Any]
            #expect(llm?["state"] as? String == "ok", "\(json.stdout)")
            #expect(llm?["calls"] as? Int == requests.count)

            await server.terminate()
            let log = server.stderr
            #expect(log.contains("Concepts and cluster names by Claude (model claude-e2e-model"), "\(log)")
            #expect(!log.contains("test-key"))
        }

        @Test("an ANTHROPIC_BASE_URL in plain http to a host that is not loopback stops the start with a clear error")
        func cleartextBaseURLRefused() async throws {
            let configuration = try EmbeddedMongo.configuration()
            do {
                let server = try await ServerProcess.start(
                    store: configuration,
                    environment: ["ANTHROPIC_API_KEY": "sk-secret-e2e", "ANTHROPIC_BASE_URL": "http://api.example.com"]
                )
                await server.terminate()
                Issue.record("clusterd started with a cleartext base URL")
            } catch let error as ServerProcess.StartError {
                #expect(error.description.contains("plain http is allowed only to loopback hosts"), "\(error)")
                #expect(!error.description.contains("sk-secret-e2e"))
            }
        }

        @Test("with the fake down the run completes with local concepts and names; status says degraded")
        func fakeDown() async throws {
            let fake = try FakeAnthropicServer(apiKey: "test-key")
            fake.stop()
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let corpus = Corpus(conversationsPerTopic: 2, messagesPerConversation: 2)
            try corpus.insert(into: store)
            try await ServerProcess.with(
                store: configuration,
                environment: [
                    "ANTHROPIC_API_KEY": "test-key",
                    "ANTHROPIC_BASE_URL": fake.baseURL,
                    "CLUSTERD_FIXED_K": "3",
                    "BACKGROUND_CLUSTERING_ENABLED": "false",
                ]
            ) { server in
                let client = try await server.connect()
                _ = try await client.forceClustering()
                try await waitUntil("a successful run", timeout: .seconds(60)) {
                    let status = try await client.status()
                    return status.latestClusteringRun != nil && !status.clusteringInProgress
                }
                for message in corpus.messages {
                    #expect(try store.analysis(messageID: message.id)?.conceptSource == "local")
                }
                let listing = try await client.listClusters()
                #expect(listing.clusters.allSatisfy { !$0.name.hasPrefix("Fake") })
                // The run's one batched naming call failed; the concept backlog's failing calls degrade the LLM soon.
                try await waitUntil("the LLM marked degraded", timeout: .seconds(30)) {
                    try await client.status().llm.state == "degraded"
                }
                let status = try await client.status()
                #expect(status.degraded.contains("llm"))
                #expect(status.llm.backlog == corpus.messages.count, "every message waits for Claude's concepts")
                #expect(status.failedTotal == 0)
            }
        }
    }
}
