import ClusterdCore
import ClusterdRPC
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd {
    /// The HTTP gateway of a real clusterd process: the seed's endpoints, probes, metrics, OpenAPI, JSON logs.
    @Suite("HTTP gateway", .timeLimit(.minutes(5)))
    struct Gateway {
        static let token = "tok-e2e-9f8e7d6c-0123456789abcdef-0123"
        static let bearer = [("authorization", "Bearer \(token)")]
        static let environment = [
            "CLUSTERD_HTTP_LISTEN": "127.0.0.1:0", "CLUSTERD_TOKEN": token, "CLUSTERD_TICK_SECONDS": "0.3",
        ]

        /// GET with the token.
        static func get(_ server: ServerProcess, _ path: String) async throws -> HTTPTestClient.Response {
            try await HTTPTestClient.fetch(port: try #require(server.httpPort), "GET", path, headers: bearer)
        }

        /// POST with the token.
        static func post(_ server: ServerProcess, _ path: String) async throws -> HTTPTestClient.Response {
            try await HTTPTestClient.fetch(port: try #require(server.httpPort), "POST", path, headers: bearer)
        }

        /// `/metrics` as series → value (`name{labels}` exactly as exposed).
        static func scrape(_ server: ServerProcess) async throws -> [String: Double] {
            let response = try await get(server, "/metrics")
            #expect(response.status == 200, "\(response)")
            return PrometheusText.parse(response.text)
        }

        @Test("the seed's three endpoints behave as the seed describes; status equals clusterctl status --json")
        func seedEndpoints() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let corpus = Corpus(conversationsPerTopic: 2, messagesPerConversation: 2)
            try corpus.insert(into: store)
            try await ServerProcess.with(store: configuration, environment: Self.environment) { server in
                // Trigger every message over HTTP, as the seed's backends would.
                for id in corpus.messageIDs {
                    let reply = try await Self.post(server, "/api/messages/\(id)/trigger-analysis")
                    #expect(reply.status == 200, "\(reply)")
                    #expect(reply.json?["success"] as? Bool == true)
                    #expect(["queued", "already_queued"].contains(reply.json?["outcome"] as? String))
                    #expect(reply.json?["message_id"] as? String == id)
                }
                try await waitUntil("every message analysed", timeout: .seconds(60)) {
                    try store.countAnalyses() == corpus.messages.count
                }
                // Force a clustering over HTTP; its run shows up in the HTTP status.
                let before = try await Self.get(server, "/api/clustering/background-status").json
                let previousRun = (before?["operator"] as? [String: Any])?["last_run"] as? [String: Any]
                let force = try await Self.post(server, "/api/clustering/background-force")
                #expect(force.status == 200, "\(force)")
                #expect(force.json?["success"] as? Bool == true)
                try await waitUntil("a forced run to succeed", timeout: .seconds(60)) {
                    let status = try await Self.get(server, "/api/clustering/background-status").json
                    let run = status?["latest_clustering_run"] as? [String: Any]
                    return status?["clustering_in_progress"] as? Bool == false
                        && run?["total_messages"] as? Int == corpus.messages.count
                        && run?["id"] as? String != previousRun?["id"] as? String
                }
                // The HTTP status is the same document as clusterctl's.
                let clusterctl = try #require(TestBinaries.clusterctl)
                let cli = try await ChildProcess.run(
                    clusterctl,
                    ["status", "--json", "--address", server.address, "--token", Self.token],
                    timeout: .seconds(30)
                )
                #expect(cli.exitCode == 0, "\(cli.stderr)")
                let http = try await Self.get(server, "/api/clustering/background-status")
                #expect(http.header("content-type") == "application/json")
                let fromCLI = try #require(
                    try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? NSDictionary
                )
                let fromHTTP = try #require(try JSONSerialization.jsonObject(with: Data(http.body)) as? NSDictionary)
                #expect(
                    Self.withoutClockFields(fromHTTP) == Self.withoutClockFields(fromCLI),
                    "\(http.text)\n\(cli.stdout)"
                )
                #expect(Set(fromHTTP.allKeys.compactMap { $0 as? String }).isSuperset(of: ["enabled", "operator"]))

                // FastAPI conventions.
                let unknown = try await Self.get(server, "/api/clustering/nothing")
                #expect(unknown.status == 404 && unknown.json?["detail"] as? String == "Not Found")
                let tooLong = try await Self.post(
                    server,
                    "/api/messages/\(String(repeating: "x", count: 1025))/trigger-analysis"
                )
                #expect(tooLong.status == 422)
                #expect(
                    (tooLong.json?["detail"] as? [[String: Any]])?.first?["loc"] as? [String] == ["path", "message_id"]
                )
                let port = try #require(server.httpPort)
                let anonymous = try await HTTPTestClient.fetch(port: port, "GET", "/api/clustering/background-status")
                #expect(anonymous.status == 401 && anonymous.json?["detail"] as? String == "Not authenticated")
                let wrong = try await HTTPTestClient.fetch(
                    port: port,
                    "POST",
                    "/api/clustering/background-force",
                    headers: [("authorization", "Bearer nope")]
                )
                #expect(wrong.status == 401)
                #expect(try await HTTPTestClient.fetch(port: port, "GET", "/livez").status == 200)
                #expect(try await HTTPTestClient.fetch(port: port, "GET", "/readyz").status == 200)
                #expect(!server.stderr.contains(Self.token), "the token must never be logged")
            }
        }

        /// The status document without the fields that change between two reads.
        static func withoutClockFields(_ status: NSDictionary) -> NSDictionary {
            let copy = status.mutableCopy() as! NSMutableDictionary
            let operatorSection = (copy["operator"] as! NSDictionary).mutableCopy() as! NSMutableDictionary
            operatorSection.removeObject(forKey: "uptime_seconds")
            let scheduling = (operatorSection["scheduling"] as! NSDictionary).mutableCopy() as! NSMutableDictionary
            scheduling.removeObject(forKey: "next_automatic_run_at")
            operatorSection["scheduling"] = scheduling
            let replica = (operatorSection["replica"] as! NSDictionary).mutableCopy() as! NSMutableDictionary
            replica.removeObject(forKey: "lease_age_seconds")
            operatorSection["replica"] = replica
            copy["operator"] = operatorSection
            return copy
        }

        @Test("/metrics is scraped and its values move as work is done")
        func metricsMove() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let corpus = Corpus(conversationsPerTopic: 2, messagesPerConversation: 3)
            try corpus.insert(into: store)
            let ids = corpus.messageIDs
            try await ServerProcess.with(store: configuration, environment: Self.environment) { server in
                // Start-up loads its state from MongoDB first; until then the store is not known to be up.
                let port = try #require(server.httpPort)
                try await waitUntil("ready", timeout: .seconds(20)) {
                    try await HTTPTestClient.fetch(port: port, "GET", "/readyz").status == 200
                }
                let before = try await Self.scrape(server)
                #expect(before["clusterd_analysis_queue_capacity"] == 10_000)
                #expect(before["clusterd_rpc_requests_total{method=\"TriggerAnalysis\",code=\"OK\"}"] == 0)
                #expect(before["clusterd_store_up"] == 1)
                #expect(before["clusterd_last_successful_clustering_timestamp_seconds"] == 0)
                #expect((before["process_resident_memory_bytes"] ?? 0) > 1_000_000)
                #expect((before["process_open_fds"] ?? 0) > 3)
                #expect((before["process_start_time_seconds"] ?? 0) > Date().timeIntervalSince1970 - 600)

                // Half over the binary RPC, half over HTTP.
                let client = try await server.connect(token: Self.token)
                let overRPC = ids.prefix(ids.count / 2)
                for id in overRPC { _ = try await client.triggerAnalysis(messageID: id) }
                _ = try await client.status()
                for id in ids.dropFirst(ids.count / 2) {
                    #expect(try await Self.post(server, "/api/messages/\(id)/trigger-analysis").status == 200)
                }
                try await waitUntil("every message analysed", timeout: .seconds(60)) {
                    try store.countAnalyses() == ids.count
                }
                #expect(try await Self.post(server, "/api/clustering/background-force").status == 200)
                try await waitUntil("a successful run over everything", timeout: .seconds(60)) {
                    let status = try await client.status()
                    return !status.clusteringInProgress && status.latestClusteringRun?.totalMessages == ids.count
                }
                await client.close()
                let after = try await Self.scrape(server)
                func delta(_ series: String) -> Double { (after[series] ?? 0) - (before[series] ?? 0) }
                #expect(
                    delta("clusterd_rpc_requests_total{method=\"TriggerAnalysis\",code=\"OK\"}")
                        == Double(overRPC.count)
                )
                #expect(delta("clusterd_rpc_requests_total{method=\"GetStatus\",code=\"OK\"}") >= 2)
                #expect(delta("clusterd_rpc_requests_total{method=\"Hello\",code=\"OK\"}") == 1)
                #expect(
                    delta("clusterd_rpc_request_duration_seconds_count{method=\"TriggerAnalysis\"}")
                        == Double(overRPC.count)
                )
                // Sub-millisecond buckets exist and hold most trigger calls.
                #expect(
                    after["clusterd_rpc_request_duration_seconds_bucket{method=\"TriggerAnalysis\",le=\"0.0005\"}"]
                        != nil
                )
                // Totals since the process started, not deltas: its start-up sweep may analyse some of the stored
                // messages before the first scrape.
                #expect((after["clusterd_analyses_total{result=\"success\"}"] ?? 0) >= Double(ids.count))
                #expect((after["clusterd_analysis_duration_seconds_count"] ?? 0) >= Double(ids.count))
                #expect(delta("clusterd_clustering_runs_total{status=\"succeeded\"}") >= 1)
                #expect(delta("clusterd_clustering_duration_seconds_count") >= 1)
                let finished = after["clusterd_last_successful_clustering_timestamp_seconds"] ?? 0
                #expect(abs(finished - Date().timeIntervalSince1970) < 120, "\(finished)")
                #expect(after["clusterd_unprocessed_messages"] == 0)
                #expect(after["clusterd_analysis_queue_depth"] == 0)
                #expect(delta("process_cpu_seconds_total") > 0)
                let text = try await Self.get(server, "/metrics").text
                for name in [
                    "clusterd_rpc_requests_total counter", "clusterd_rpc_request_duration_seconds histogram",
                    "clusterd_analyses_total counter", "clusterd_analysis_queue_depth gauge",
                    "process_cpu_seconds_total counter", "process_resident_memory_bytes gauge",
                ] {
                    #expect(text.contains("# TYPE \(name)\n"), "no TYPE line for \(name)")
                }
                #expect(text.contains("# HELP clusterd_store_up "))
            }
        }

        @Test("clusterd_llm_requests_total counts the Claude requests (against a fake Messages API on loopback)")
        func llmRequestsCounted() async throws {
            let fake = try FakeAnthropicServer(apiKey: "test-key-llm-metrics")
            defer { fake.stop() }
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let corpus = Corpus(conversationsPerTopic: 1, messagesPerConversation: 2)
            try corpus.insert(into: store)
            var environment = Self.environment
            environment["ANTHROPIC_API_KEY"] = "test-key-llm-metrics"
            environment["ANTHROPIC_BASE_URL"] = fake.baseURL
            environment["BACKGROUND_CLUSTERING_ENABLED"] = "false"
            try await ServerProcess.with(store: configuration, environment: environment) { server in
                let before = try await Self.scrape(server)
                #expect(before["clusterd_llm_requests_total{result=\"success\"}"] == 0)
                #expect(try await Self.post(server, "/api/clustering/background-force").status == 200)
                try await waitUntil("a successful run", timeout: .seconds(60)) {
                    let status = try await Self.get(server, "/api/clustering/background-status").json
                    return status?["latest_clustering_run"] is [String: Any]
                        && status?["clustering_in_progress"] as? Bool == false
                }
                try await waitUntil("Claude's concepts on every message", timeout: .seconds(60)) {
                    try corpus.messages.allSatisfy { try store.analysis(messageID: $0.id)?.conceptSource == "claude" }
                }
                let requests = try fake.requests()
                #expect(requests.count >= 2, "a concept request (several messages) and the naming")
                let after = try await Self.scrape(server)
                #expect(after["clusterd_llm_requests_total{result=\"success\"}"] == Double(requests.count))
                #expect(after["clusterd_llm_requests_total{result=\"failure\"}"] == 0)
                #expect((after["clusterd_llm_tokens_total"] ?? 0) > 0)
                #expect(!server.stderr.contains("test-key-llm-metrics"))
            }
        }

        @Test("readiness flips when MongoDB is stopped and started; liveness stays up")
        func probesFollowMongo() async throws {
            let mongo = try MongoInstance()
            try await mongo.start()
            let configuration = StoreConfiguration(uri: mongo.uri, database: "probes")
            var environment = Self.environment
            environment["CLUSTERD_TICK_SECONDS"] = "0.3"
            try await ServerProcess.with(store: configuration, environment: environment) { server in
                let port = try #require(server.httpPort)
                try await waitUntil("ready", timeout: .seconds(20)) {
                    try await HTTPTestClient.fetch(port: port, "GET", "/readyz").status == 200
                }
                await mongo.stop()
                try await waitUntil("not ready with MongoDB stopped", timeout: .seconds(30)) {
                    let response = try await HTTPTestClient.fetch(port: port, "GET", "/readyz")
                    return response.status == 503
                        && (response.json?["detail"] as? String)?.contains("MongoDB unreachable") == true
                }
                #expect(try await HTTPTestClient.fetch(port: port, "GET", "/livez").status == 200)
                #expect(try await Self.scrape(server)["clusterd_store_up"] == 0)
                // A trigger while the store is down is still accepted, as over the RPC.
                let trigger = try await Self.post(server, "/api/messages/during-outage/trigger-analysis")
                #expect(trigger.status == 200, "\(trigger)")
                try await mongo.start()
                try await waitUntil("ready again with MongoDB started", timeout: .seconds(30)) {
                    try await HTTPTestClient.fetch(port: port, "GET", "/readyz").status == 200
                }
                #expect(try await Self.scrape(server)["clusterd_store_up"] == 1)
            }
            await mongo.stop()
        }

        @Test("CLUSTERD_LOG_FORMAT=json writes one JSON object per line; secrets never appear; metrics can be off")
        func jsonLogs() async throws {
            let configuration = try EmbeddedMongo.configuration()
            var environment = Self.environment
            environment["CLUSTERD_LOG_FORMAT"] = "json"
            environment["CLUSTERD_METRICS"] = "off"
            environment["ANTHROPIC_API_KEY"] = "sk-ant-e2e-never-logged"
            let server = try await ServerProcess.start(store: configuration, environment: environment)
            // A message id equal to the token would put it in the log line "Triggered background analysis…".
            #expect(try await Self.post(server, "/api/messages/\(Self.token)/trigger-analysis").status == 200)
            let metrics = try await Self.get(server, "/metrics")
            #expect(metrics.status == 404, "\(metrics)")
            try await waitUntil("the trigger logged", timeout: .seconds(10)) {
                server.stderr.contains("Triggered background analysis")
            }
            #expect(await server.terminate() == .exited(0))
            let log = server.stderr
            let lines = log.split(separator: "\n")
            #expect(lines.count >= 3)
            for line in lines {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object != nil, "not a JSON object: \(line)")
                #expect(Set(object?.keys.map { $0 } ?? []) == ["timestamp", "level", "label", "message", "metadata"])
            }
            #expect(log.contains("\"label\":\"BackgroundClusteringService\""))
            #expect(!log.contains("sk-ant-e2e-never-logged"))
        }

        @Test("the OpenAPI document validates (openapi-spec-validator) and the server conforms to it (schemathesis)")
        func openAPIConformance() async throws {
            let tools = TestBinaries.packageRoot.appendingPathComponent(".venv/bin")
            let validator = tools.appendingPathComponent("openapi-spec-validator").path
            let schemathesis = tools.appendingPathComponent("schemathesis").path
            try #require(
                FileManager.default.isExecutableFile(atPath: validator)
                    && FileManager.default.isExecutableFile(atPath: schemathesis),
                "openapi-spec-validator and schemathesis are missing from .venv: run scripts/setup"
            )
            let configuration = try EmbeddedMongo.configuration()
            try await ServerProcess.with(store: configuration, environment: Self.environment) { server in
                let port = try #require(server.httpPort)
                let document = try await HTTPTestClient.fetch(port: port, "GET", "/openapi.json")
                #expect(document.status == 200)
                let directory = try TemporaryDirectory(prefix: "clusterd-openapi")
                let path = directory.path("openapi.json")
                try Data(document.body).write(to: URL(fileURLWithPath: path))
                let validated = try await ChildProcess.run(validator, [path], timeout: .seconds(60))
                #expect(validated.exitCode == 0, "\(validated.stdout)\(validated.stderr)")

                // Bounded: 40 cases per operation, every check, positive and negative data, fixed seed, loopback.
                var environment = ChildProcess.baseEnvironment
                environment["SCHEMATHESIS_TELEMETRY"] = "false"
                // Run from the temporary directory: schemathesis keeps a cache in its working directory.
                let arguments = [
                    "run", "http://127.0.0.1:\(port)/openapi.json", "--header", "Authorization: Bearer \(Self.token)",
                    "--checks", "all", "--max-examples", "40", "--workers", "1", "--seed", "20250110",
                    "--request-timeout", "10", "--generation-database", "none", "--no-color",
                ]
                let run = try await ChildProcess.run(
                    "/bin/sh",
                    ["-c", "cd \"$0\" && exec \"$@\"", directory.path("."), schemathesis] + arguments,
                    environment: environment,
                    timeout: .seconds(180)
                )
                print(run.stdout.split(separator: "\n").suffix(8).joined(separator: "\n"))
                #expect(run.exitCode == 0, "schemathesis:\n\(run.stdout)\n\(run.stderr)")
                #expect(run.stdout.contains("Tested: 15"), "\(run.stdout)")
            }
        }
    }
}
