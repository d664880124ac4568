import ClusterdCore
import ClusterdLLM
import ClusterdTestSupport
import Foundation
import Testing

// Serialized: each case blocks its thread (a Python fake server's start-up, curl), and run in parallel they held
// every thread of the 2-core machine's cooperative pool for ~30 s, starving the timing-sensitive async tests.
@Suite("Claude concept and name providers against the fake, with local fallback", .serialized, .timeLimit(.minutes(3)))
struct ClaudeProviderTests {
    static let message = "My sourdough starter smells of vinegar; should I feed it more flour?"

    @Test("Success: Claude's concepts, topic and language; source claude")
    func conceptsFromClaude() throws {
        let fake = try FakeAnthropicServer()
        let client = try makeClient(testConfiguration(fake))
        let extraction = ClaudeConceptProvider(client: client, limit: 8).extract(Self.message)
        #expect(extraction.source == "claude")
        #expect(extraction.concepts == ["sourdough", "starter", "smells", "vinegar", "flour"])
        #expect(extraction.topic == "about sourdough")
        #expect(extraction.language == "en")
        let request = try #require(try fake.requests().first)
        #expect(request.systemText?.contains("names of people") == true)
    }

    @Test("Malformed JSON in the model's text: one retry with a reminder, then Claude's answer")
    func malformedThenValid() throws {
        let fake = try FakeAnthropicServer()
        try fake.script([.text("Sure! Here are the concepts: sourdough, vinegar")])
        let client = try makeClient(testConfiguration(fake))
        let extraction = ClaudeConceptProvider(client: client, limit: 8).extract(Self.message)
        #expect(extraction.source == "claude")
        let requests = try fake.requests()
        #expect(requests.count == 2)
        let retried = try #require(requests.last?.json?["messages"] as? [[String: Any]])
        #expect((retried.first?["content"] as? String)?.contains("previous reply was not the JSON") == true)
        #expect(client.governor.report().localFallbacks == 0)
    }

    @Test("Malformed twice: the local extractor, source local, counted as a fallback")
    func malformedTwice() throws {
        let fake = try FakeAnthropicServer()
        try fake.script([], otherwise: .text(#"{"concepts": "not a list"}"#))
        let client = try makeClient(testConfiguration(fake))
        let extraction = ClaudeConceptProvider(client: client, limit: 8).extract(Self.message)
        #expect(extraction == LocalConceptProvider(limit: 8).extract(Self.message))
        #expect(extraction.source == "local")
        #expect(try fake.requests().count == 2)
        let report = client.governor.report()
        #expect(report.localFallbacks == 1)
        #expect(report.lastError.contains("not the JSON object asked for"))
        #expect(report.state == "ok")
    }

    @Test("A refusal goes straight to the local extractor")
    func refusal() throws {
        let fake = try FakeAnthropicServer()
        try fake.script([.text("", stopReason: "refusal")])
        let client = try makeClient(testConfiguration(fake))
        #expect(ClaudeConceptProvider(client: client, limit: 8).extract(Self.message).source == "local")
        #expect(try fake.requests().count == 1)
    }

    @Test("API down: local concepts, quickly once degraded")
    func apiDown() throws {
        let fake = try FakeAnthropicServer()
        let client = try makeClient(testConfiguration(fake, maxAttempts: 2, failuresBeforeDegraded: 2))
        fake.stop()
        let provider = ClaudeConceptProvider(client: client, limit: 8)
        let clock = ContinuousClock()
        var durations: [Duration] = []
        for _ in 0..<4 {
            let start = clock.now
            #expect(provider.extract(Self.message).source == "local")
            durations.append(clock.now - start)
        }
        print("API down: concept calls took \(durations)")
        #expect(durations[2] < .milliseconds(50) && durations[3] < .milliseconds(50))
        let report = client.governor.report()
        #expect(report.state == "degraded")
        #expect(report.localFallbacks == 4)
    }

    @Test("Empty text asks nothing")
    func emptyText() throws {
        let fake = try FakeAnthropicServer()
        let client = try makeClient(testConfiguration(fake))
        #expect(ClaudeConceptProvider(client: client, limit: 8).extract("  \n").source == "local")
        #expect(try fake.requests().isEmpty)
    }

    @Test("Naming: the fake's contrastive name; malformed twice keeps the local name")
    func naming() throws {
        let fake = try FakeAnthropicServer()
        let client = try makeClient(testConfiguration(fake))
        let provider = ClaudeClusterNameProvider(client: client)
        let request = ClusterNamingRequest(
            stableID: "c-1",
            size: 5,
            topConcepts: ["sourdough", "oven"],
            sampledMemberConcepts: [["sourdough", "starter"]],
            contrastConcepts: [["pasta"]],
            localName: "sourdough · oven"
        )
        #expect(provider.source == "claude")
        #expect(
            provider.name(request)
                == ClusterNaming(name: "Fake group: sourdough", description: "Conversations about sourdough, oven.")
        )
        try fake.script([.text("Sourdough"), .text(#"{"name": ""}"#)])
        #expect(provider.name(request) == nil)
        #expect(client.governor.report().localFallbacks == 1)
    }

    @Test("Batched naming: many clusters per request; a bad or missing item falls back alone, then no call is lost")
    func batchedNaming() throws {
        let fake = try FakeAnthropicServer()
        var configuration = testConfiguration(fake)
        configuration.namingBatchClusters = 4
        let client = try makeClient(configuration)
        let provider = ClaudeClusterNameProvider(client: client)
        let requests = (1...6).map { NamingBatchPromptTests.request($0, concept: "topic\($0)") }
        // 6 clusters at 4 a request: two requests, every cluster named.
        let all = provider.names(requests)
        #expect(all.count == 6)
        #expect(
            all["c-5"] == ClusterNaming(name: "Fake group: topic5", description: "Conversations about topic5, oven.")
        )
        let sent = try fake.requests()
        #expect(sent.count == 2)
        #expect(sent.allSatisfy { $0.systemText?.contains("JSON array of groups") == true })
        // The first batch's reply: item 2 malformed, item 4 missing. Only those two keep their local names.
        try fake.script([
            .text(
                #"[{"id": "1", "name": "One", "description": "First."}, {"id": "2", "name": ""}, "#
                    + #"{"id": "3", "name": "Three", "description": "Third."}]"#
            )
        ])
        let partial = provider.names(requests)
        #expect(Set(partial.keys) == ["c-1", "c-3", "c-5", "c-6"])
        #expect(partial["c-1"]?.name == "One")
        #expect(try fake.requests().count == 4)
        #expect(client.governor.report().lastError.contains("2 of 4 item(s) missing or invalid"))
        // A reply that is not a JSON array gets one retry with a reminder.
        try fake.script([.text("Sure, here are names: One, Two")])
        #expect(provider.names(Array(requests.prefix(3))).count == 3)
        let retried = try fake.requests().suffix(2)
        #expect(retried.count == 2)
        let reminder = try #require(retried.last?.json?["messages"] as? [[String: Any]])
        #expect((reminder.first?["content"] as? String)?.contains("previous reply was not the JSON array") == true)
    }

    @Test("Batched naming with the API down: no names, and no call after the first one that got no reply")
    func batchedNamingAPIDown() throws {
        let fake = try FakeAnthropicServer()
        var configuration = testConfiguration(fake, maxAttempts: 1)
        configuration.namingBatchClusters = 2
        let client = try makeClient(configuration)
        try fake.script([], otherwise: .error(status: 500, type: "api_error", message: "down"))
        let requests = (1...6).map { NamingBatchPromptTests.request($0) }
        #expect(ClaudeClusterNameProvider(client: client).names(requests).isEmpty)
        #expect(try fake.requests().count == 1)
    }
}
