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

    @Test("claims count an attempt before the work, compare-and-set; states merge analysis and claim")
    func claims() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let id = RecordID.string("m-1")
        let now = Date(timeIntervalSince1970: 1_736_544_600)
        #expect(try store.claim(id, owner: "a", expiresAt: now.addingTimeInterval(60)))
        #expect(try store.claim(id, owner: "a", expiresAt: now.addingTimeInterval(60)))
        var state = try #require(try store.analysisStates(messageIDs: [id, .string("none")])[id])
        #expect(state == AnalysisState(attempts: 2, claimOwner: "a", claimExpiresAt: now.addingTimeInterval(60)))
        #expect(try store.analysisStates(messageIDs: [.string("none")]).isEmpty)
        // Compare-and-set: a claim decided on a state that has changed since is lost.
        let stale = try store.analysisStates(messageIDs: [id])
        #expect(try store.claim(id, owner: "b", expiresAt: now.addingTimeInterval(120)))
        #expect(try store.claimAnalyses([id], states: stale, owner: "a", expiresAt: now).isEmpty)
        let fresh = try store.analysisStates(messageIDs: [.string("fresh")])
        #expect(
            try store.claimAnalyses([.string("fresh")], states: fresh, owner: "a", expiresAt: now) == [.string("fresh")]
        )
        #expect(try store.claimAnalyses([.string("fresh")], states: fresh, owner: "b", expiresAt: now).isEmpty)
        #expect(try store.analysis(messageID: id) == nil)  // no embedding yet
        try store.saveAnalyses([Fixtures.analysis(id)])
        state = try #require(try store.analysisStates(messageIDs: [id])[id])
        #expect(state.attempts == 3 && state.isAnalysed && state.embedder == Fixtures.embedder)
        #expect(try store.countAnalyses() == 1)
        #expect(try store.attemptTotals() == (documents: 2, attempts: 4))
    }

    @Test("two processes claiming the same messages at once never both get one")
    func contendedClaims() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let ids: [RecordID] = (0..<40).map { .string("m\($0)") }
        let now = Date(timeIntervalSince1970: 1_736_544_600)
        // Half the messages claimed once before, so both the insert and the conditional-update paths race.
        for id in ids.prefix(20) { try store.claim(id, owner: "old", expiresAt: now) }
        let states = try store.analysisStates(messageIDs: ids)
        let won = Mutex<[String: Set<RecordID>]>([:])
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let owner = "p\(index)"
            let claimed = try? store.claimAnalyses(ids, states: states, owner: owner, expiresAt: now)
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
        try store.claim(.string("pending"), owner: "a", expiresAt: base)
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
