import ClusterdCore
import ClusterdEmbedding
import ClusterdLLM
import ClusterdLogging
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Logging
import Testing

@testable import ClusterdService

/// The service with Claude configured against the fake Messages API, in process, on the embedded MongoDB.
@Suite(.timeLimit(.minutes(2))) struct BackgroundClusteringServiceLLMTests {
    static let conversations: [(String, [String])] = [
        ("bake-1", ["How long should I bake sourdough bread in the oven?", "My sourdough starter smells of vinegar."]),
        ("bake-2", ["Can I bake sourdough bread with rye flour?", "The oven crust of my sourdough burns."]),
        ("trip-1", ["Which documents do I need for a tourist visa to Japan?", "Does my passport need a visa stamp?"]),
        ("trip-2", ["How early should I arrive at the airport for a flight?", "Is my passport valid for the flight?"]),
    ]

    private func insertCorpus(_ store: MongoStore) throws -> Int {
        var records: [MessageRecord] = []
        for (conversation, texts) in Self.conversations {
            for (index, text) in texts.enumerated() {
                records.append(
                    MessageRecord(
                        id: .string("\(conversation)-\(index)"),
                        conversationID: .string(conversation),
                        role: "user",
                        content: text
                    )
                )
            }
        }
        try store.insertHostMessages(records)
        return records.count
    }

    private func makeService(
        store: MongoStore,
        anthropic: AnthropicConfiguration,
        logs: LogSink? = nil
    ) -> BackgroundClusteringService {
        var configuration = ServiceConfiguration(
            trigger: TriggerConfiguration(enabled: false),
            analysisWorkers: 2,
            queueCapacity: 100,
            tickSeconds: 0.2,
            clustering: ClusteringConfiguration(kRule: .fixed(2), minClusterSize: 2)
        )
        configuration.anthropic = anthropic
        let logger = logs.map { sink in Logger(label: "test") { SeedLogHandler(label: $0, sink: sink.append) } }
        return BackgroundClusteringService(
            configuration: configuration,
            store: store,
            embedder: HashingEmbedder(),
            logger: logger ?? Logger(label: "test")
        )
    }

    private func anthropic(_ fake: FakeAnthropicServer, key: String? = nil, budget: Int = 0) -> AnthropicConfiguration {
        AnthropicConfiguration(
            apiKey: key ?? fake.apiKey,
            baseURL: fake.baseURL,
            model: "claude-test-model",
            http: HTTPClientConfiguration(connectTimeoutMilliseconds: 500, totalTimeoutMilliseconds: 2_000),
            retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(50), maxDelay: .seconds(1)),
            dailyTokenBudget: budget,
            maxQueueWaitSeconds: 2,
            failuresBeforeDegraded: 2
        )
    }

    private func namingRequests(_ fake: FakeAnthropicServer) throws -> Int {
        try fake.requests().filter { $0.systemText?.contains(#""name""#) == true }.count
    }

    @Test func claudeConceptsAndContrastiveNamesAndNoRepeatedNaming() throws {
        let fake = try FakeAnthropicServer()
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let messageCount = try insertCorpus(store)
        let service = makeService(store: store, anthropic: anthropic(fake))
        service.start()
        defer { service.shutdown() }

        #expect(service.forceClustering().started)
        #expect(try waitUntil { try store.latestSuccessfulRun() != nil })
        let run = try #require(try store.latestSuccessfulRun())
        #expect(run.inputs.promptVersion == "claude-test-model/concepts-batch-v1/names-batch-v1")
        // Concepts are written locally at once; the backlog replaces them with Claude's in one batched request.
        #expect(
            try waitUntil {
                try store.analyses(analyzedAtOrBefore: Date(), embedder: HashingEmbedder().identifier)
                    .allSatisfy { $0.conceptSource == "claude" }
            }
        )
        let analyses = try store.analyses(analyzedAtOrBefore: Date(), embedder: HashingEmbedder().identifier)
        #expect(analyses.count == messageCount)
        #expect(analyses.allSatisfy { $0.conceptSource == "claude" && $0.language == "en" && !$0.topic.isEmpty })
        let sourdough = try #require(try store.analysis(messageID: .string("bake-1-1")))
        #expect(sourdough.concepts == ["sourdough", "starter", "smells", "vinegar"])
        #expect(sourdough.topic == "about sourdough")

        let clusters = try store.clusters(runID: run.id)
        let named = clusters.filter { $0.stableID != "other" }
        #expect(!named.isEmpty)
        #expect(
            named.allSatisfy { $0.name.hasPrefix("Fake group: ") && $0.nameSource == "claude" },
            "\(named.map(\.name))"
        )
        // Every cluster named in one batched request (up to 20 a request by default).
        let firstNaming = try namingRequests(fake)
        #expect(named.count > 1 && firstNaming == (named.count + 19) / 20, "\(firstNaming) for \(named.count)")

        // A second run over the same data continues the same clusters: names are kept, nothing is asked again. (The
        // first run is published before its lane has finished with it.)
        #expect(waitUntil { !service.status().clusteringInProgress })
        #expect(service.forceClustering().started)
        #expect(try waitUntil { try store.latestSuccessfulRun()?.id != run.id })
        let second = try #require(try store.latestSuccessfulRun())
        #expect(try store.clusters(runID: second.id).map(\.name).sorted() == clusters.map(\.name).sorted())
        #expect(try namingRequests(fake) == firstNaming)

        let status = service.status()
        #expect(status.llm.state == "ok")
        #expect(status.llm.model == "claude-test-model")
        #expect(status.llm.conceptRequests == 1)
        #expect(status.llm.messagesUpgraded == messageCount)
        #expect(status.llm.calls == status.llm.conceptRequests + firstNaming)
        #expect(status.llm.failures == 0)
        #expect(status.llm.tokensToday > 0)
        #expect(!status.degraded.contains("llm"))
        let llm = try #require((status.jsonObject["operator"] as? [String: Any])?["llm"] as? [String: Any])
        #expect(llm["state"] as? String == "ok")
        #expect(llm["calls"] as? Int == status.llm.calls)

        // Token usage reaches MongoDB on the next tick, so a restart keeps the day's budget.
        let today = Int((Date().timeIntervalSince1970 / 86_400).rounded(.down))
        #expect(try waitUntil(5) { try store.llmTokensUsed(day: today) == status.llm.tokensToday })
    }

    @Test func aRunCompletesWithLocalFallbackWhileTheAPIIsDown() throws {
        let fake = try FakeAnthropicServer()
        fake.stop()
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let messageCount = try insertCorpus(store)
        let logs = LogSink()
        let service = makeService(store: store, anthropic: anthropic(fake), logs: logs)
        service.start()
        defer { service.shutdown() }

        let clock = ContinuousClock()
        let start = clock.now
        #expect(service.forceClustering().started)
        #expect(try waitUntil { try store.latestSuccessfulRun() != nil })
        print("API down: forced run with \(messageCount) messages finished in \(clock.now - start)")
        let run = try #require(try store.latestSuccessfulRun())
        #expect(run.status == .succeeded)
        let analyses = try store.analyses(analyzedAtOrBefore: Date(), embedder: HashingEmbedder().identifier)
        #expect(analyses.count == messageCount)
        #expect(analyses.allSatisfy { $0.conceptSource == "local" && !$0.concepts.isEmpty })
        let clusters = try store.clusters(runID: run.id)
        #expect(clusters.allSatisfy { $0.nameSource == "local" && !$0.name.hasPrefix("Fake") })

        // The run's one batched naming call failed (two attempts); the concept backlog's calls fail too, and after
        // two failed calls the API counts as down.
        #expect(waitUntil(20) { service.status().llm.state == "degraded" })
        let status = service.status()
        #expect(status.degraded.contains("llm"))
        #expect(status.llm.localFallbacks >= 1)  // the names; concepts wait on the backlog
        #expect(status.llm.backlog == messageCount)
        // Two calls of two attempts, then calls are skipped (a third may already be in flight: the concept backlog
        // and the naming catch-up run on their own threads).
        #expect((4...6).contains(status.llm.calls), "\(status.llm.calls)")
        #expect(status.failedTotal == 0)
        #expect(logs.lines.contains { $0.contains(" - ERROR - Claude API degraded (") })
    }

    @Test func aRejectedKeyDegradesWithAClearMessageAndNeverLogsTheKey() throws {
        let fake = try FakeAnthropicServer()
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        _ = try insertCorpus(store)
        let logs = LogSink()
        let service = makeService(store: store, anthropic: anthropic(fake, key: "sk-wrong-secret"), logs: logs)
        service.start()
        defer { service.shutdown() }
        #expect(service.forceClustering().started)
        #expect(try waitUntil { try store.latestSuccessfulRun() != nil })
        #expect(
            try store.analyses(analyzedAtOrBefore: Date(), embedder: HashingEmbedder().identifier).allSatisfy {
                $0.conceptSource == "local"
            }
        )
        let status = service.status()
        #expect(status.llm.state == "degraded")
        #expect(status.degraded.contains("llm"))
        #expect(status.llm.lastError.contains("API key was rejected"))
        // One 401 per thread that was already calling (the backlog, the naming), never retried; the rest skipped.
        #expect((1...2).contains(try fake.requests().count))
        #expect(status.llm.localFallbacks >= 1)
        #expect(!logs.lines.joined().contains("sk-wrong-secret"))
        #expect(logs.lines.contains { $0.contains("API key was rejected") })
    }

    @Test func overTheDailyBudgetConceptsAndNamesAreLocal() throws {
        let fake = try FakeAnthropicServer()
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        _ = try insertCorpus(store)
        let service = makeService(store: store, anthropic: anthropic(fake, budget: 1_500))
        service.start()
        defer { service.shutdown() }
        #expect(service.forceClustering().started)
        #expect(try waitUntil { try store.latestSuccessfulRun() != nil })
        let sources = try store.analyses(analyzedAtOrBefore: Date(), embedder: HashingEmbedder().identifier).map(
            \.conceptSource
        )
        // The backlog's batched request (its entries claimable a few seconds after the analyses) does not fit what
        // is left: it is refused, and concepts stay local on the backlog.
        #expect(waitUntil(15) { service.status().llm.state == "over budget" })
        #expect(sources.allSatisfy { $0 == "local" }, "\(sources)")
        let status = service.status()
        #expect(status.llm.backlog == sources.count)
        #expect(status.llm.tokensToday <= 1_500)
        #expect(status.llm.lastError.contains("daily token budget of 1500 reached"))
        #expect(!status.degraded.contains("llm"))
    }
}
