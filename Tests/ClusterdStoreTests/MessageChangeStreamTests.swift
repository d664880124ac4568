import ClusterdCore
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

/// The change stream on the host's messages, against the real embedded server (a single-node replica set) and a
/// standalone one.
@Suite("MessageChangeStream", .timeLimit(.minutes(2)))
struct MessageChangeStreamTests {
    private func message(_ id: RecordID, _ content: String = "t") -> MessageRecord {
        MessageRecord(id: id, conversationID: .string("c"), role: "user", content: content)
    }

    /// Reads until `count` changes came (each read waits at most its await time), at most `reads` reads.
    private func read(_ feed: any MessageChangeFeed, count: Int, reads: Int = 20) throws -> MessageChangeBatch {
        var changes: [MessageChange] = []
        var token: ChangeStreamToken?
        for _ in 0..<reads where changes.count < count {
            let batch = try feed.next()
            changes += batch.changes
            token = batch.token ?? token
        }
        return MessageChangeBatch(changes: changes, token: token)
    }

    @Test("inserts, replaces, content updates (not other updates) and deletes arrive in order with both id types")
    func events() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let feed = try store.openMessageChanges(after: nil, maxAwaitSeconds: 0.2, maxEvents: 100)
        defer { feed.close() }
        let oid = RecordID.objectID("65a1b2c3d4e5f60718293a4b")
        try store.insertHostMessages([message(oid), message(.string("m-1"))])
        try store.replaceHostMessage(message(.string("m-1"), "edited"))
        try store.updateHostMessage(id: .string("m-1"), setting: ["role": "assistant"])
        try store.updateHostMessage(id: oid, setting: ["content": "edited too"])
        #expect(try store.deleteHostMessages(ids: [oid]) == 1)
        let batch = try read(feed, count: 5)
        #expect(
            batch.changes == [
                .inserted(oid), .inserted(.string("m-1")), .replaced(.string("m-1")), .replaced(oid), .deleted(oid),
            ]
        )
        #expect(batch.token != nil)
    }

    @Test("a stream opened after a saved token delivers only later changes; the token round-trips the store")
    func resume() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        #expect(try store.changeStreamToken() == nil)
        let first = try store.openMessageChanges(after: nil, maxAwaitSeconds: 0.2, maxEvents: 100)
        try store.insertHostMessages([message(.string("a"))])
        let seen = try read(first, count: 1)
        first.close()
        #expect(seen.changes == [.inserted(.string("a"))])
        let token = try #require(seen.token)
        try store.saveChangeStreamToken(token, now: Date())
        #expect(try store.changeStreamToken() == token)

        try store.insertHostMessages([message(.string("b")), message(.string("c"))])
        let resumed = try store.openMessageChanges(
            after: try store.changeStreamToken(),
            maxAwaitSeconds: 0.2,
            maxEvents: 1
        )
        defer { resumed.close() }
        // maxEvents 1: one change per read.
        #expect(try resumed.next().changes == [.inserted(.string("b"))])
        #expect(try read(resumed, count: 1).changes == [.inserted(.string("c"))])
    }

    @Test("an empty read returns within about its await time")
    func awaitIsBounded() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let feed = try store.openMessageChanges(after: nil, maxAwaitSeconds: 0.3, maxEvents: 100)
        defer { feed.close() }
        let started = ContinuousClock.now
        #expect(try feed.next().changes.isEmpty)
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test("a token the server cannot resume from is refused as unusable")
    func unusableToken() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let bogus = ChangeStreamToken(#"{ "_data" : "00" }"#)
        let error = try #require(throws: StoreError.self) {
            try store.openMessageChanges(after: bogus, maxAwaitSeconds: 0.2, maxEvents: 10)
        }
        #expect(error.isChangeStreamTokenUnusable)
        #expect(!error.isChangeStreamUnsupported)
    }

    @Test("a standalone server has no change streams")
    func standalone() throws {
        let store = try EmbeddedMongo.standaloneStore()
        defer { store.close() }
        try store.ping()
        let error = try #require(throws: StoreError.self) {
            try store.openMessageChanges(after: nil, maxAwaitSeconds: 0.2, maxEvents: 10)
        }
        #expect(error.isChangeStreamUnsupported)
    }

    @Test("deleteAnalyses deletes only the named analyses and counts them")
    func deleteAnalyses() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        try store.saveAnalyses([Fixtures.analysis(.string("a")), Fixtures.analysis(.string("b"))])
        #expect(try store.deleteAnalyses(messageIDs: [.string("a"), .string("zzz")]) == 1)
        #expect(try store.analysis(messageID: .string("a")) == nil)
        #expect(try store.analysis(messageID: .string("b")) != nil)
        #expect(try store.deleteAnalyses(messageIDs: []) == 0)
    }
}
