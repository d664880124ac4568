import ClusterdCore
import ClusterdLLM
import ClusterdTestSupport
import Foundation
import Testing

// Serialized for the same reason as ClaudeProviderTests: each case blocks its thread on the fake and curl.
@Suite("Safe output: invisible characters stripped, personal details dropped, API error text capped", .serialized)
struct ClaudeSafeOutputTests {
    /// Zero-width space, right-to-left override, left-to-right isolate, pop isolate, byte order mark, bell.
    static let invisible = ["\u{200B}", "\u{202E}", "\u{2066}", "\u{2069}", "\u{FEFF}", "\u{07}"]

    @Test("Concepts, topic and language: control, bidi and zero-width characters stripped; personal words dropped")
    func conceptReply() throws {
        let fake = try FakeAnthropicServer()
        let concept = "sour" + Self.invisible.joined() + "dough"
        let reply: [String: Any] = [
            "concepts": [concept, "vine\u{200D}gar", "\u{202E}flour"],
            "topic": "starter\u{202E} help for maria@example.com 0612345678\u{0B}today",
            "language": "\u{200E}en",
        ]
        let text = String(decoding: try JSONSerialization.data(withJSONObject: reply), as: UTF8.self)
        try fake.script([.text(text)])
        let client = try makeClient(testConfiguration(fake))
        let extraction = ClaudeConceptProvider(client: client, limit: 8).extract("My sourdough starter smells.")
        #expect(extraction.source == "claude")
        #expect(extraction.concepts == ["sourdough", "vinegar", "flour"])
        #expect(extraction.topic == "starter help for today")
        #expect(extraction.language == "en")
    }

    @Test("Name and description: invisible characters stripped, words that look personal dropped")
    func namingReply() throws {
        let fake = try FakeAnthropicServer()
        let reply = [
            "name": "Sourdough\u{200B} \u{202E}starters\u{202C} (call 0612345678)",
            "description": "Bakers\u{2067} ask about starters; see https://example.com or bob@example.com.",
        ]
        let text = String(decoding: try JSONSerialization.data(withJSONObject: reply), as: UTF8.self)
        try fake.script([.text(text)])
        let client = try makeClient(testConfiguration(fake))
        let request = ClusterNamingRequest(
            stableID: "c-1",
            size: 5,
            topConcepts: ["sourdough"],
            sampledMemberConcepts: [["sourdough", "starter"]],
            contrastConcepts: [],
            localName: "sourdough"
        )
        let naming = ClaudeClusterNameProvider(client: client).name(request)
        #expect(
            naming == ClusterNaming(name: "Sourdough starters (call", description: "Bakers ask about starters; see or")
        )
    }

    @Test("A long error message from the API is capped, with its invisible characters stripped, before status")
    func longErrorCapped() throws {
        let fake = try FakeAnthropicServer()
        let long = "bad\u{202E}request " + String(repeating: "x", count: 5000)
        try fake.script([], otherwise: .error(status: 400, type: "invalid_request_error", message: long))
        let client = try makeClient(testConfiguration(fake))
        let error = #expect(throws: LLMError.self) { try client.createMessage(pingRequest) }
        #expect(error?.message.hasPrefix("invalid_request_error: badrequest x") == true)
        #expect((error?.message.count ?? .max) <= 301)
        let lastError = client.governor.report().lastError
        #expect(!lastError.isEmpty && lastError.count <= 301)
        #expect(!lastError.unicodeScalars.contains("\u{202E}"))
    }
}
