import ClusterdCore
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

@Suite("MongoStore: the topic report's reads and layouts")
struct MongoStoreReportTests {
    @Test("each conversation's first analysed message text; conversations without analyses are absent")
    func firstMessageTexts() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let messages = [
            MessageRecord(id: .string("m-2"), conversationID: .string("c-a"), role: "user", content: "second"),
            MessageRecord(id: .string("m-1"), conversationID: .string("c-a"), role: "user", content: "first"),
            MessageRecord(id: .string("m-3"), conversationID: .string("c-b"), role: "user", content: "only"),
            MessageRecord(id: .string("m-4"), conversationID: .string("c-c"), role: "user", content: "unanalysed"),
        ]
        try store.insertHostMessages(messages)
        try store.saveAnalyses(
            messages.prefix(3).map { Fixtures.analysis($0.id, conversation: $0.conversationID) }
        )
        let texts = try store.firstMessageTexts(conversationIDs: [.string("c-a"), .string("c-b"), .string("c-c")])
        #expect(texts == [.string("c-a"): "first", .string("c-b"): "only"])
        #expect(try store.firstMessageTexts(conversationIDs: []).isEmpty)
    }

    @Test("map layouts read back, oldest first, and only the newest are kept")
    func mapLayouts() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        #expect(try store.savedMapLayouts().isEmpty)
        let layouts = (0..<(SavedMapLayout.kept + 2)).map { index in
            SavedMapLayout(runID: "run-\(index)", stableIDs: ["a", "b.c"], x: [0.5, -1.25], y: [Double(index), 3])
        }
        try store.saveMapLayouts(Array(layouts.prefix(2)), now: Date())
        #expect(try store.savedMapLayouts() == Array(layouts.prefix(2)))
        try store.saveMapLayouts(layouts, now: Date())
        #expect(try store.savedMapLayouts() == Array(layouts.suffix(SavedMapLayout.kept)))
    }
}
