import ClusterdCore
import ClusterdEmbedding
import ClusterdLLM
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Logging
import Testing

@testable import ClusterdService

/// `make bench-llm`: the issue's volume targets against the fake Messages API at 50 requests per minute (429 past
/// it), in process, with the hashing embedder and default Claude settings. Runs only with `CLUSTERD_BENCH_LLM` set
/// (`BENCH_LLM_MESSAGES`, `BENCH_LLM_CONVERSATIONS`, `BENCH_LLM_SECONDS`, `BENCH_LLM_BATCH_API` auto|off,
/// `BENCH_LLM_DAILY_TOKENS`, default 2,000,000 as the service's, too few for 100,000 messages); prints
/// the numbers and checks the targets only for the 940-message default.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["CLUSTERD_BENCH_LLM"] != nil))
struct LLMVolumeBench {
    static let topics: [[String]] = [
        ["sourdough", "starter", "baking", "flour", "oven", "crust", "proofing"],
        ["visa", "passport", "embassy", "appointment", "documents", "consulate", "stamp"],
        ["laptop", "battery", "charger", "screen", "keyboard", "firmware", "overheating"],
        ["flight", "airport", "luggage", "boarding", "delay", "refund", "layover"],
        ["tomato", "garden", "compost", "seedlings", "watering", "greenhouse", "pruning"],
        ["mortgage", "interest", "lender", "deposit", "repayment", "valuation", "broker"],
    ]

    static func text(conversation: Int, message: Int) -> String {
        let words = topics[conversation % topics.count]
        let a = words[(message * 3 + conversation) % words.count]
        let b = words[(message * 5 + conversation / 6 + 1) % words.count]
        return "Question \(message) about my \(a) and the \(b): what would you suggest doing next about \(a)?"
    }

    private func setting(_ name: String, _ fallback: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? fallback
    }

    @Test func volumeAgainstTheRateLimitedFake() throws {
        let messages = setting("BENCH_LLM_MESSAGES", 940)
        let conversationCount = setting("BENCH_LLM_CONVERSATIONS", 120)
        let limitSeconds = Double(setting("BENCH_LLM_SECONDS", 300))
        let batchAPI: AnthropicConfiguration.BatchAPIMode =
            ProcessInfo.processInfo.environment["BENCH_LLM_BATCH_API"] == "auto" ? .auto : .off
        let fake = try FakeAnthropicServer(requestsPerMinute: 50)
        try fake.setOptions(recordBodies: false)
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        var records: [MessageRecord] = []
        for index in 0..<messages {
            let conversation = index % conversationCount
            records.append(
                MessageRecord(
                    id: .string(String(format: "m%07d", index)),
                    conversationID: .string("c\(conversation)"),
                    role: "user",
                    content: Self.text(conversation: conversation, message: index / conversationCount)
                )
            )
        }
        for start in stride(from: 0, to: records.count, by: 5_000) {
            try store.insertHostMessages(Array(records[start..<min(records.count, start + 5_000)]))
        }
        // Background analysis on (the sweep analyses what the forced run's inline catch-up leaves), automatic runs
        // off in effect: the one forced run is what is measured.
        var configuration = ServiceConfiguration(
            trigger: TriggerConfiguration(
                enabled: true,
                messageThreshold: 100_000_000,
                timeThresholdMinutes: 1_000_000
            ),
            tickSeconds: 1
        )
        configuration.anthropic = AnthropicConfiguration(
            apiKey: fake.apiKey,
            baseURL: fake.baseURL,
            model: "claude-test-model",
            dailyTokenBudget: setting("BENCH_LLM_DAILY_TOKENS", 2_000_000),
            batchAPI: batchAPI
        )
        let service = BackgroundClusteringService(
            configuration: configuration,
            store: store,
            embedder: HashingEmbedder(),
            logger: Logger(label: "bench")
        )
        let clock = ContinuousClock()
        let started = clock.now
        func elapsed() -> Double {
            let (seconds, attoseconds) = (clock.now - started).components
            return Double(seconds) + Double(attoseconds) * 1e-18
        }
        service.start()
        defer { service.shutdown() }
        #expect(service.forceClustering().started)
        _ = waitUntil(limitSeconds) { (try? store.latestSuccessfulRun()) != nil }
        _ = waitUntil(limitSeconds) { !service.status().clusteringInProgress }
        let runDone = elapsed()
        guard let run = try store.latestSuccessfulRun() else {
            let status = service.status()
            let message =
                "bench-llm: no successful run within \(limitSeconds) s; last run \(String(describing: status.lastRun)), "
                + "stage \(status.clusteringStage), last error \(status.lastError), analysed \(status.analyzedTotal)"
            Issue.record(Comment(rawValue: message))
            return
        }
        let minimum = configuration.clustering.minClusterSize
        func claudeNamed() throws -> (named: Int, nameable: Int) {
            let nameable = try store.clusters(runID: run.id).filter {
                $0.stableID != "other" && !$0.stableID.hasPrefix("other/") && $0.size >= minimum
            }
            return (nameable.filter { $0.nameSource == "claude" }.count, nameable.count)
        }
        let namedInRun = try claudeNamed()
        var namesDone: Double? = namedInRun.named == namedInRun.nameable ? runDone : nil
        var conceptsDone: Double?
        while elapsed() < limitSeconds {
            if namesDone == nil, try claudeNamed().named == namedInRun.nameable { namesDone = elapsed() }
            let upgraded = service.status().llm.messagesUpgraded
            if conceptsDone == nil, Double(upgraded) >= 0.95 * Double(messages) { conceptsDone = elapsed() }
            if namesDone != nil, conceptsDone != nil, service.status().llm.backlog == 0 { break }
            Thread.sleep(forTimeInterval: 1)
        }
        let status = service.status()
        let stats = try fake.stats()
        let analysed = try store.countAnalyses(analyzedAfter: nil, embedder: nil)
        let report = """
            bench-llm: \(messages) messages in \(conversationCount) conversations, batch API \(batchAPI.rawValue)
              run published at \(String(format: "%.1f", runDone)) s; clusters at or above \(minimum): \(namedInRun.nameable), \
            named by Claude in the run: \(namedInRun.named), all named at: \(namesDone.map { String(format: "%.1f s", $0) } ?? "not within the limit")
              95% Claude concepts at: \(conceptsDone.map { String(format: "%.1f s", $0) } ?? "not within \(limitSeconds) s") \
            (upgraded \(status.llm.messagesUpgraded), backlog \(status.llm.backlog), \
            rate \(String(format: "%.0f", status.llm.backlogRatePerMinute))/min)
              concept requests \(status.llm.conceptRequests), all requests \(status.llm.calls), \
            tokens \(status.llm.tokensTotal), tokens per message \(String(format: "%.1f", status.llm.tokensPerMessage))
              fake: accepted \(stats["accepted"] ?? 0), 429s \(stats["rate_limited"] ?? 0), \
            most in a minute \(stats["max_in_window"] ?? 0), cache-read tokens \(stats["cache_read_input_tokens"] ?? 0), \
            batches \(stats["batches"] ?? 0) (\(stats["batch_requests"] ?? 0) requests)
              analysed \(analysed) of \(messages); wall time \(String(format: "%.1f", elapsed())) s
            """
        print(report)
        #expect((stats["rate_limited"] ?? 1) == 0)
        #expect((stats["max_in_window"] ?? 51) <= 50)
        if messages == 940 {
            #expect(conceptsDone.map { $0 <= 300 } ?? false)
            #expect(status.llm.conceptRequests <= 100)
            #expect(namesDone.map { $0 <= runDone + 60 } ?? false)
        }
    }
}
