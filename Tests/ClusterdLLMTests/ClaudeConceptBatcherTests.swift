import ClusterdCore
import ClusterdLLM
import ClusterdTestSupport
import Foundation
import Testing

// Serialized for the same reason as ClaudeProviderTests: each case blocks its thread on the fake and curl.
@Suite("Batched concept requests against the fake: many messages per request, each item on its own", .serialized)
struct ClaudeConceptBatcherTests {
    static let texts = [
        "How long should I bake sourdough bread?", "Which documents does a Japanese visa need?",
        "My laptop battery drains overnight.",
    ]

    private func items(_ texts: [String] = texts) -> [ConceptBatchPrompt.Item] {
        texts.enumerated().map { ConceptBatchPrompt.Item(id: String($0.offset), text: $0.element) }
    }

    @Test("One request analyses many messages; the system block is cached and later requests read it")
    func batchInOneRequest() throws {
        let fake = try FakeAnthropicServer()
        let batcher = ClaudeConceptBatcher(client: try makeClient(testConfiguration(fake)), limit: 8)
        let first = try batcher.extract(items())
        #expect(first.missing.isEmpty)
        #expect(first.extractions["0"]?.concepts == ["sourdough", "bread"])
        #expect(first.extractions["1"]?.topic == "about documents")
        #expect(first.extractions["2"]?.summary == "Asks about laptop.")
        #expect(first.extractions.values.allSatisfy { $0.source == "claude" && $0.language == "en" })
        let second = try batcher.extract(items())
        #expect(first.usage.cacheReadInputTokens == 0)
        #expect(second.usage.cacheReadInputTokens > 0)

        let requests = try fake.requests()
        #expect(requests.count == 2)
        let request = try #require(requests.first)
        #expect(request.headers["x-api-key"] == fake.apiKey)
        #expect(request.headers["anthropic-version"] == "2023-06-01")
        let system = try #require(request.json?["system"] as? [[String: Any]])
        #expect((system.first?["cache_control"] as? [String: String]) == ["type": "ephemeral"])
        let user = try #require((request.json?["messages"] as? [[String: Any]])?.last?["content"] as? String)
        let sent = try #require(try JSONSerialization.jsonObject(with: Data(user.utf8)) as? [[String: String]])
        #expect(sent.map { $0["id"] } == ["0", "1", "2"])
        #expect(sent.map { $0["text"] } == Self.texts)
    }

    @Test("Plans requests by estimated tokens and by items")
    func planByTokens() throws {
        let fake = try FakeAnthropicServer()
        var configuration = testConfiguration(fake)
        configuration.conceptBatchTokens = 200
        configuration.conceptBatchItems = 3
        let batcher = ClaudeConceptBatcher(client: try makeClient(configuration), limit: 8)
        let long = String(repeating: "word ", count: 100)  // about 170 tokens
        let plan = batcher.plan(items(["a", "b", "c", "d", long, long, "e"]))
        // Three items at most; "d" and one long text fit 200 tokens, two long ones do not.
        #expect(plan.map(\.count) == [3, 2, 2])
        #expect(batcher.maxTokens(forItems: 40) > batcher.maxTokens(forItems: 1))
    }

    @Test("A bad item and a missing item fall back alone; the others are kept")
    func partialReply() throws {
        let fake = try FakeAnthropicServer()
        let reply = """
            [{"id": "0", "concepts": ["bread"], "topic": "baking", "language": "en", "summary": "s"},
             {"id": "1", "concepts": 7, "topic": "visa", "language": "en"}]
            """
        try fake.script([.text(reply)])
        let client = try makeClient(testConfiguration(fake))
        let result = try ClaudeConceptBatcher(client: client, limit: 8).extract(items())
        #expect(Set(result.extractions.keys) == ["0"])
        #expect(result.missing == ["1", "2"])
        #expect(client.governor.report().localFallbacks == 1)
    }

    @Test("Every field of a batched item is cleaned: invisible characters, personal details")
    func sanitisedItems() throws {
        let fake = try FakeAnthropicServer()
        let item: [String: Any] = [
            "id": "0",
            "concepts": ["sour\u{200B}dough", "\u{202E}flour", "bob@example.com"],
            "topic": "starter\u{2066} help for maria@example.com",
            "language": "\u{200E}EN-gb",
            "summary": "Asks\u{FEFF} about a\u{07} starter; call 0612345678.",
        ]
        let text = String(decoding: try JSONSerialization.data(withJSONObject: [item]), as: UTF8.self)
        try fake.script([.text(text)])
        let batcher = ClaudeConceptBatcher(client: try makeClient(testConfiguration(fake)), limit: 8)
        let extraction = try #require(try batcher.extract(items(["My sourdough starter."])).extractions["0"])
        #expect(extraction.concepts == ["sourdough", "flour"])
        #expect(extraction.topic == "starter help for")
        #expect(extraction.language == "en")
        #expect(extraction.summary == "Asks about a starter; call")
    }

    @Test("The Message Batches endpoints: create, poll until ended, results by custom id")
    func messageBatches() throws {
        let fake = try FakeAnthropicServer()
        try fake.setOptions(batchPolls: 2)
        let client = try makeClient(testConfiguration(fake))
        let batcher = ClaudeConceptBatcher(client: client, limit: 8)
        let created = try client.createBatch([
            ("c0", batcher.request(for: items())), ("c1", batcher.request(for: items(["Cheap flights to Lisbon?"]))),
        ])
        #expect(!created.ended)
        #expect(try !client.batch(id: created.id).ended)
        let ended = try client.batch(id: created.id)
        #expect(ended.ended)
        let results = try client.batchResults(of: ended)
        #expect(Set(results.keys) == ["c0", "c1"])
        let parsed = batcher.result(of: try #require(results["c1"]), for: items(["Cheap flights to Lisbon?"]))
        #expect(parsed.extractions["0"]?.concepts == ["cheap", "flights", "lisbon"])
        #expect(client.governor.report().tokensToday > 0)
        let create = try #require(try fake.requests().first)
        #expect(create.path == "/v1/messages/batches")
        let entries = try #require(create.json?["requests"] as? [[String: Any]])
        #expect(entries.map { $0["custom_id"] as? String } == ["c0", "c1"])
        #expect((entries.first?["params"] as? [String: Any])?["model"] as? String == "claude-test-model")

        // Results elsewhere than the API host are refused: the key goes nowhere else.
        let foreign = MessageBatch(id: "x", processingStatus: "ended", resultsURL: "http://127.0.0.2:1/results")
        #expect(throws: LLMError.self) { try client.batchResults(of: foreign) }
    }

    @Test("Without the batches endpoint the API answers 404: notFound, the caller's cue to fall back")
    func messageBatchesMissing() throws {
        let fake = try FakeAnthropicServer()
        try fake.setOptions(batchesEnabled: false)
        let client = try makeClient(testConfiguration(fake))
        do {
            _ = try client.createBatch([("c0", pingRequest)])
            Issue.record("expected a 404")
        } catch {
            #expect(error.code == .notFound)
        }
    }

    @Test("The fake enforces its per-minute limit with 429 and retry-after, and counts")
    func fakeRateLimit() throws {
        let fake = try FakeAnthropicServer(requestsPerMinute: 2)
        let client = try makeClient(testConfiguration(fake, maxAttempts: 1))
        _ = try client.createMessage(pingRequest)
        _ = try client.createMessage(pingRequest)
        #expect(throws: LLMError.self) { try client.createMessage(pingRequest) }
        let refused = try #require(try fake.requests().last)
        #expect(refused.status == 429)
        let stats = try fake.stats()
        #expect(stats["accepted"] == 2)
        #expect(stats["rate_limited"] == 1)
        #expect(stats["max_in_window"] == 2)
        #expect(client.governor.report().state == "rate-limited")
    }
}
