import ClusterdCore
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Synchronization
import Testing

@Suite("MongoStore: host messages")
struct MongoStoreMessagesTests {
    static let oid = "65a1b2c3d4e5f60718293a4b"
    static let hexString = "aaaaaaaaaaaaaaaaaaaaaaaa"
    static let created = Date(timeIntervalSince1970: 1_736_544_600)

    /// Inserts one short message per id, in the order given, all in conversation "c".
    private func insertMessages(_ ids: [RecordID], into store: MongoStore) throws {
        try store.insertHostMessages(
            ids.map { MessageRecord(id: $0, conversationID: .string("c"), role: "user", content: "t") }
        )
    }

    @Test("ObjectId and string ids are found; a 24-hex string id stored as a string too; unknown → nil")
    func lookups() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let conversation = RecordID.objectID("65a1b2c3d4e5f60718290000")
        try store.insertHostMessages([
            MessageRecord(
                id: .objectID(Self.oid),
                conversationID: conversation,
                role: "user",
                content: "hello",
                createdAt: Self.created
            ),
            MessageRecord(id: .string("msg-1"), conversationID: .string("c-1"), role: "assistant", content: "hi"),
            MessageRecord(id: .string(Self.hexString), conversationID: .string("c-1"), role: "user", content: "hex"),
        ])

        let byOID = try #require(try store.message(id: Self.oid))
        #expect(byOID.id == .objectID(Self.oid))
        #expect(byOID.conversationID == conversation)
        #expect(byOID.content == "hello")
        #expect(byOID.createdAt == Self.created)

        let byString = try #require(try store.message(id: "msg-1"))
        #expect(byString.conversationID == .string("c-1"))
        #expect(byString.role == "assistant")
        #expect(byString.createdAt == nil)

        let hex = try #require(try store.message(id: Self.hexString.uppercased().lowercased()))
        #expect(hex.id == .string(Self.hexString))
        #expect(hex.content == "hex")

        try store.insertHostConversations(ids: [conversation, .string("c-1")], createdAt: Self.created)
        #expect(throws: StoreError.self) {
            try store.insertHostConversations(ids: [.string("c-1")], createdAt: Self.created)
        }

        #expect(try store.message(id: "nope") == nil)
        #expect(try store.message(id: "65a1b2c3d4e5f60718293fff") == nil)
    }

    @Test("unanalysed ids leave out analysed and failed messages, keep stale ones, and honour the limit")
    func unanalysed() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let ids: [RecordID] = (0..<8).map { .string("m\($0)") } + [.objectID(Self.oid)]
        try store.insertHostMessages(
            ids.map { MessageRecord(id: $0, conversationID: .string("c"), role: "user", content: "text \($0)") }
        )
        // m0 analysed; m1 failed for good; m2 attempted 3 times; m3 attempted once (still eligible).
        try store.saveAnalyses([Fixtures.analysis(.string("m0"))])
        try store.recordFailures([
            AnalysisFailure(messageID: .string("m1"), conversationID: .string("c"), reason: "boom", final: true)
        ])
        let now = Date()
        for _ in 0..<3 {
            try store.claim(.string("m2"), owner: "a", expiresAt: now)
        }
        try store.claim(.string("m3"), owner: "a", expiresAt: now)
        // m4 analysed by another embedder: stale, so it needs analysis again.
        var stale = Fixtures.analysis(.string("m4"))
        stale.embedder = "minilm"
        try store.saveAnalyses([stale])

        let found = try store.unanalysedMessageIDs(limit: 100, embedder: Fixtures.embedder)
        // m2's attempts are used up but it is not marked failed yet: it is queued once more, and the lane gives it up.
        #expect(Set(found) == Set(ids).subtracting([.string("m0"), .string("m1")]))
        #expect(found.count == 7)
        #expect(try store.unanalysedMessageIDs(limit: 2, embedder: Fixtures.embedder).count == 2)
        #expect(try store.unanalysedMessageIDs(limit: 0, embedder: Fixtures.embedder).isEmpty)
    }

    @Test("unanalysed ids page through more than one batch")
    func unanalysedPaging() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let ids: [RecordID] = (0..<1_203).map { .string(String(format: "m%05d", $0)) }
        try insertMessages(ids, into: store)
        try store.saveAnalyses(ids.enumerated().filter { $0.offset % 2 == 0 }.map { Fixtures.analysis($0.element) })
        let found = try store.unanalysedMessageIDs(limit: 10_000, embedder: Fixtures.embedder)
        #expect(found.count == 601)
        #expect(Set(found) == Set(ids.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)))
        #expect(try store.unanalysedMessageIDs(limit: 550, embedder: Fixtures.embedder).count == 550)
    }

    @Test("paging after a watermark returns only ids above it, in order, and how far it scanned")
    func unanalysedAfter() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let ids: [RecordID] = (0..<20).map { .string(String(format: "m%02d", $0)) }
        try insertMessages(ids.shuffled(), into: store)
        // Every third message analysed; m19 (the last) too.
        try store.saveAnalyses(
            ids.enumerated().filter { $0.offset % 3 == 0 || $0.offset == 19 }.map {
                Fixtures.analysis($0.element)
            }
        )
        let unanalysed = ids.enumerated().filter { $0.offset % 3 != 0 && $0.offset != 19 }.map(\.element)

        let all = try store.page(after: nil, limit: 100)
        #expect(all.ids == unanalysed)
        #expect(all.scannedThrough == .string("m19"), "an analysed last id is accounted for too")
        #expect(all.reachedEnd)

        let above = try store.page(after: .string("m09"), limit: 100)
        #expect(above.ids == unanalysed.filter { $0 > .string("m09") })
        #expect(above.ids == ["m10", "m11", "m13", "m14", "m16", "m17"].map(RecordID.string))
        #expect(above.scannedThrough == .string("m19"))
        #expect(above.reachedEnd)

        // The limit: stops at the third unanalysed id above m04, not beyond it.
        let limited = try store.page(after: .string("m04"), limit: 3)
        #expect(limited.ids == ["m05", "m07", "m08"].map(RecordID.string))
        #expect(limited.scannedThrough == .string("m09"), "m09 is analysed: accounted for before the next unanalysed")
        #expect(!limited.reachedEnd)
        // Going on from there finds the rest exactly once.
        let rest = try store.page(after: limited.scannedThrough, limit: 100)
        #expect(rest.ids == ["m10", "m11", "m13", "m14", "m16", "m17"].map(RecordID.string))

        // Analysed ids after the limit's last id, up to the next unanalysed one, are accounted for too.
        let two = try store.page(after: .string("m04"), limit: 2)
        #expect(two.ids == ["m05", "m07"].map(RecordID.string))
        #expect(two.scannedThrough == .string("m07"))

        let past = try store.page(after: .string("m19"), limit: 100)
        #expect(past.ids.isEmpty && past.scannedThrough == nil && past.reachedEnd)
        #expect(try store.page(after: nil, limit: 0).ids.isEmpty)
    }

    @Test("paging after a watermark crosses 500-id batches and stops at the limit inside one")
    func unanalysedAfterAcrossBatches() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let ids: [RecordID] = (0..<1_300).map { .string(String(format: "m%05d", $0)) }
        try insertMessages(ids, into: store)
        // The first 1,000 analysed: the unanalysed ones start in the third batch after m00100.
        try store.saveAnalyses(ids.prefix(1_000).map { Fixtures.analysis($0) })
        let page = try store.page(after: .string("m00100"), limit: 250)
        #expect(page.ids == Array(ids[1_000..<1_250]))
        #expect(page.scannedThrough == ids[1_249])
        #expect(!page.reachedEnd)
        let next = try store.page(after: page.scannedThrough, limit: 250)
        #expect(next.ids == Array(ids[1_250...]))
        #expect(next.scannedThrough == ids.last)
        #expect(next.reachedEnd)
    }

    @Test("mixed id types: after a string come greater strings and every ObjectId; after an ObjectId, greater ones")
    func unanalysedAfterAcrossIdTypes() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let strings: [RecordID] = ["a", "b", "c"].map(RecordID.string)
        let objectIDs: [RecordID] = ["65a1b2c3d4e5f60718293a41", "65a1b2c3d4e5f60718293a42"].map(RecordID.objectID)
        try insertMessages(objectIDs + strings, into: store)
        // MongoDB's order: strings before ObjectIds.
        #expect(try store.page(after: nil, limit: 10).ids == strings + objectIDs)
        // `$gt` on a string alone would stop at "c": a sweep split by its limit must still reach the ObjectIds.
        let first = try store.page(after: nil, limit: 2)
        #expect(first.ids == Array(strings.prefix(2)) && first.scannedThrough == strings[1])
        let rest = try store.page(after: first.scannedThrough, limit: 10)
        #expect(rest.ids == [strings[2]] + objectIDs)
        #expect(rest.scannedThrough == objectIDs[1] && rest.reachedEnd)
        // Strings sort below every ObjectId: after one, only greater ObjectIds.
        #expect(try store.page(after: objectIDs[0], limit: 10).ids == [objectIDs[1]])
        #expect(try store.page(after: .string("zzz"), limit: 10).ids == objectIDs)
    }

    @Test("one scan pages through a pass on one cursor, examining a bounded number of ids per page")
    func scanAcrossPages() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let ids: [RecordID] = (0..<1_300).map { .string(String(format: "m%05d", $0)) }
        try insertMessages(ids, into: store)
        try store.saveAnalyses(ids.prefix(700).map { Fixtures.analysis($0) })
        let scan = try store.scanMessages(after: nil)
        defer { scan.close() }
        // Examining is bounded: the first page looks at 500 ids (one chunk), all analysed, and says so.
        let first = try scan.next(limit: 100, maxExamined: 500, embedder: Fixtures.embedder)
        #expect(first.ids.isEmpty && first.scannedThrough == ids[499] && !first.reachedEnd)
        let second = try scan.next(limit: 100, maxExamined: 10_000, embedder: Fixtures.embedder)
        #expect(second.ids == Array(ids[700..<800]) && second.scannedThrough == ids[799])
        let rest = try scan.next(limit: 10_000, maxExamined: 10_000, embedder: Fixtures.embedder)
        #expect(rest.ids == Array(ids[800...]) && rest.reachedEnd)
        let after = try scan.next(limit: 10, maxExamined: 10, embedder: Fixtures.embedder)
        #expect(after == SweepPage(ids: [], scannedThrough: nil, reachedEnd: true))
        scan.close()
        #expect(throws: StoreError.self) {
            try scan.next(limit: 10, maxExamined: 10, embedder: Fixtures.embedder)
        }
    }

    @Test("a closed store refuses new scans, and an open scan's next page fails cleanly")
    func scanAndClose() throws {
        let store = try EmbeddedMongo.store()
        try insertMessages([.string("a")], into: store)
        let scan = try store.scanMessages(after: nil)
        store.close()
        #expect(throws: StoreError.self) { try scan.next(limit: 10, maxExamined: 10, embedder: Fixtures.embedder) }
        scan.close()
        #expect(throws: StoreError.self) { try store.scanMessages(after: nil) }
    }

    @Test(
        "a scan's reader waits for the server on its own thread: a slow first answer lets the page go, then says ids arrived"
    )
    func scanReaderIsAsynchronous() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let ids = (0..<1_200).map { RecordID.string(String(format: "r%05d", $0)) }
        try insertMessages(ids, into: store)
        // The server holds the scan's query (its client's app name) for 3 s, as a million messages would for minutes.
        // Only this store's scan client (its app name names the test's database), once.
        let app = MessageScan.appName(database: store.configuration.database)
        try store.runAdminCommand(
            json: """
                {"configureFailPoint": "failCommand", "mode": {"times": 1}, "data": {"failCommands": ["find"],
                 "appName": "\(app)", "blockConnection": true, "blockTimeMS": 3000}}
                """
        )
        let arrived = Mutex(0)
        let scan = try store.scanMessages(after: nil, patience: 0.2) { arrived.withLock { $0 += 1 } }
        defer { scan.close() }
        let started = Date()
        let first = try scan.next(limit: 2_000, maxExamined: 2_000, embedder: Fixtures.embedder)
        #expect(Date().timeIntervalSince(started) < 2, "the page does not wait for the server's answer")
        #expect(first == SweepPage(ids: [], scannedThrough: nil, reachedEnd: false))
        var found: [RecordID] = []
        var end = false
        let deadline = Date().addingTimeInterval(30)
        while !end, Date() < deadline {
            let page = try scan.next(limit: 2_000, maxExamined: 2_000, embedder: Fixtures.embedder)
            found += page.ids
            end = page.reachedEnd
        }
        #expect(found == ids && end)
        #expect(arrived.withLock { $0 } >= 1, "the reader calls back when ids arrive after a wait, and at its end")
    }

    @Test("messages by id text in one read: ObjectId first for hex text, string otherwise, absent when missing")
    func messagesByIdText() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        try store.insertHostMessages([
            MessageRecord(id: .objectID(Self.oid), conversationID: .string("c"), role: "user", content: "by oid"),
            MessageRecord(id: .string(Self.oid), conversationID: .string("c"), role: "user", content: "by string"),
            MessageRecord(id: .string("msg-1"), conversationID: .string("c"), role: "user", content: "plain"),
        ])
        let found = try store.messages(idTexts: [Self.oid, "msg-1", "missing"])
        #expect(found.count == 2)
        #expect(found[Self.oid]?.content == "by oid")
        #expect(found["msg-1"]?.content == "plain")
    }
}

extension MongoStore {
    /// One page of a fresh scan after `after` (a new cursor per call).
    fileprivate func page(after: RecordID?, limit: Int) throws -> SweepPage {
        let scan = try scanMessages(after: after)
        defer { scan.close() }
        return try scan.next(limit: limit, maxExamined: .max, embedder: Fixtures.embedder)
    }
}
