import ClusterdCore
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

@Suite("MongoStore: analyses")
struct MongoStoreAnalysesTests {
    @Test("saving the same analysis twice keeps one document with the latest fields")
    func idempotent() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let id = RecordID.objectID("65a1b2c3d4e5f60718293a4b")
        #expect(try store.beginAttempt(messageID: id, conversationID: .string("c")) == 1)
        let first = Fixtures.analysis(id)
        try store.saveAnalyses([first])
        try store.saveAnalyses([first])
        #expect(try store.countAnalyses() == 1)
        #expect(try store.analysis(messageID: id) == first)

        var second = first
        second.concepts = ["changed"]
        second.embedding = [1, 0, 0]
        second.analyzedAt = first.analyzedAt.addingTimeInterval(60)
        try store.saveAnalyses([second])
        #expect(try store.countAnalyses() == 1)
        #expect(try store.analysis(messageID: id) == second)
        // attempts are kept by saves
        #expect(try store.beginAttempt(messageID: id, conversationID: nil) == 2)
    }

    @Test("beginAttempt counts before the work and creates the document; hasAnalysis needs an embedding")
    func attempts() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let id = RecordID.string("m-1")
        #expect(try store.beginAttempt(messageID: id, conversationID: .string("c")) == 1)
        #expect(try store.beginAttempt(messageID: id, conversationID: .string("c")) == 2)
        #expect(try store.beginAttempt(messageID: id, conversationID: nil) == 3)
        #expect(try store.analysis(messageID: id) == nil)  // no embedding yet
        #expect(try !store.hasAnalysis(messageID: id))
        try store.saveAnalyses([Fixtures.analysis(id)])
        #expect(try store.hasAnalysis(messageID: id))
        #expect(try !store.hasAnalysis(messageID: .string("m-2")))
        #expect(try store.countAnalyses() == 1)
    }

    @Test("failures are recorded; final ones counted as failed; a later save clears them")
    func failures() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        try store.recordFailure(messageID: .string("a"), conversationID: nil, error: "timeout", final: false)
        try store.recordFailure(messageID: .string("b"), conversationID: .string("c"), error: "bad", final: true)
        #expect(try store.countFailed() == 1)
        try store.saveAnalyses([Fixtures.analysis(.string("b"))])
        #expect(try store.countFailed() == 0)
        #expect(try store.countAnalyses() == 1)
    }

    @Test("counts and snapshots by analyzed_at")
    func snapshots() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let base = Date(timeIntervalSince1970: 1_736_544_600)
        let analyses = (0..<5).map { index in
            Fixtures.analysis(
                .string("m\(index)"),
                conversation: .objectID("65a1b2c3d4e5f6071829000\(index)"),
                embedding: [Float(index), 0.5, -1],
                analyzedAt: base.addingTimeInterval(Double(index) * 10)
            )
        }
        try store.saveAnalyses(analyses)
        _ = try store.beginAttempt(messageID: .string("pending"), conversationID: nil)
        #expect(try store.countAnalyses() == 5)
        #expect(try store.countAnalyses(analyzedAfter: base.addingTimeInterval(20)) == 2)
        let snapshot = try store.analyses(analyzedAtOrBefore: base.addingTimeInterval(20))
        #expect(snapshot == Array(analyses.prefix(3)))
    }
}
