import ClusterdCore
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

@Suite("MongoStore: Claude fields and token usage")
struct MongoStoreLLMUsageTests {
    @Test("daily token counts add up per UTC day and read back; other days are separate")
    func tokenUsage() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let day = 20_300
        #expect(try store.llmTokensUsed(day: day) == 0)
        try store.addLLMTokens(day: day, tokens: 1_200)
        try store.addLLMTokens(day: day, tokens: 300)
        try store.addLLMTokens(day: day, tokens: 0)
        try store.addLLMTokens(day: day + 1, tokens: 7)
        #expect(try store.llmTokensUsed(day: day) == 1_500)
        #expect(try store.llmTokensUsed(day: day + 1) == 7)
    }

    @Test("an analysis keeps its topic and language; a cluster its name source")
    func claudeFields() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        var analysis = Fixtures.analysis(.string("m-claude"))
        analysis.conceptSource = "claude"
        analysis.topic = "sourdough baking"
        analysis.language = "en"
        try store.saveAnalyses([analysis])
        #expect(try store.analysis(messageID: analysis.messageID) == analysis)

        let runID = RecordID.string("run-claude")
        let cluster = Cluster(
            runID: runID,
            stableID: "c-1",
            name: "Fake group: sourdough",
            description: "Conversations about sourdough.",
            size: 2,
            topConcepts: ["sourdough"],
            representativeConversationIDs: [],
            centroid: [1, 0],
            nameSource: "claude"
        )
        try store.saveClusters([cluster], assignments: [])
        #expect(try store.clusters(runID: runID) == [cluster])
    }
}
