import ClusterdCore
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Synchronization
import Testing

@Suite("MongoStore: analyses")
struct MongoStoreAnalysesTests {
    @Test("saving the same analysis twice keeps one document with the latest fields")
    func idempotent() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let id = RecordID.objectID("65a1b2c3d4e5f60718293a4b")
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
    }

    @Test("claims count an attempt before the work and create the document; states leave the embedding out")
    func claims() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let id = RecordID.string("m-1")
        let now = Date(timeIntervalSince1970: 1_736_544_600)
        let claim = { (owner: String, at: Date) in
            try store.claimAnalyses([(id, .string("c"))], owner: owner, now: at, expiresAt: at.addingTimeInterval(60))
        }
        #expect(try claim("a", now) == [id])
        #expect(try claim("a", now) == [id], "a process's own claim is its to take again")
        var state = try #require(try store.analysisStates(messageIDs: [id, .string("none")])[id])
        #expect(state == AnalysisState(attempts: 2, claimOwner: "a", claimExpiresAt: now.addingTimeInterval(60)))
        #expect(try store.analysisStates(messageIDs: [.string("none")]).isEmpty)
        #expect(try claim("b", now.addingTimeInterval(30)).isEmpty, "a live claim of another process holds")
        #expect(try claim("b", now.addingTimeInterval(60)) == [id], "an expired claim may be taken over")
        #expect(try store.analysis(messageID: id) == nil)  // no embedding yet
        try store.saveAnalyses([Fixtures.analysis(id)])
        state = try #require(try store.analysisStates(messageIDs: [id])[id])
        #expect(
            state.attempts == 3 && state.claimOwner == nil && state.isAnalysed && state.embedder == Fixtures.embedder
        )
        #expect(try store.countAnalyses() == 1)
    }

    @Test("two processes claiming the same messages at once never both get one")
    func contendedClaims() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let ids: [RecordID] = (0..<40).map { .string("m\($0)") }
        let now = Date(timeIntervalSince1970: 1_736_544_600)
        let won = Mutex<[String: Set<RecordID>]>([:])
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let owner = "p\(index)"
            let claimed = try? store.claimAnalyses(
                ids.map { ($0, RecordID.string("c")) },
                owner: owner,
                now: now,
                expiresAt: now.addingTimeInterval(60)
            )
            won.withLock { $0[owner] = claimed ?? [] }
        }
        let claims = won.withLock { $0 }
        #expect(claims["p0"]!.isDisjoint(with: claims["p1"]!))
        #expect(claims["p0"]!.union(claims["p1"]!) == Set(ids))
    }

    @Test("failures are recorded; final ones counted as failed; a later save clears them")
    func failures() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        try store.recordFailures([
            AnalysisFailure(messageID: .string("a"), conversationID: nil, reason: "timeout", final: false),
            AnalysisFailure(messageID: .string("b"), conversationID: .string("c"), reason: "bad", final: true),
        ])
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
        _ = try store.claimAnalyses([(.string("pending"), .string("c"))], owner: "a", now: base, expiresAt: base)
        var stale = Fixtures.analysis(.string("stale"), analyzedAt: base)
        stale.embedder = "minilm"
        try store.saveAnalyses([stale])
        #expect(try store.countAnalyses() == 6)
        #expect(try store.countAnalyses(embedder: Fixtures.embedder) == 5)
        #expect(try store.countStaleAnalyses(embedder: Fixtures.embedder) == 1)
        #expect(try store.countAnalyses(analyzedAfter: base.addingTimeInterval(20), embedder: Fixtures.embedder) == 2)
        let snapshot = try store.analyses(analyzedAtOrBefore: base.addingTimeInterval(20), embedder: Fixtures.embedder)
        #expect(snapshot == Array(analyses.prefix(3)), "the stale analysis is left out")
    }
}
