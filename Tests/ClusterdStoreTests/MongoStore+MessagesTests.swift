import ClusterdCore
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

@Suite("MongoStore: host messages")
struct MongoStoreMessagesTests {
    static let oid = "65a1b2c3d4e5f60718293a4b"
    static let hexString = "aaaaaaaaaaaaaaaaaaaaaaaa"
    static let created = Date(timeIntervalSince1970: 1_736_544_600)

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

    @Test("unanalysed ids leave out analysed, failed and given-up messages, and honour the limit")
    func unanalysed() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let ids: [RecordID] = (0..<8).map { .string("m\($0)") } + [.objectID(Self.oid)]
        try store.insertHostMessages(
            ids.map { MessageRecord(id: $0, conversationID: .string("c"), role: "user", content: "text \($0)") }
        )
        // m0 analysed; m1 failed for good; m2 attempted 3 times; m3 attempted once (still eligible).
        try store.saveAnalyses([Fixtures.analysis(.string("m0"))])
        try store.recordFailure(messageID: .string("m1"), conversationID: .string("c"), error: "boom", final: true)
        for _ in 0..<3 { _ = try store.beginAttempt(messageID: .string("m2"), conversationID: .string("c")) }
        _ = try store.beginAttempt(messageID: .string("m3"), conversationID: nil)

        let found = try store.unanalysedMessageIDs(limit: 100, maxAttempts: 3)
        #expect(Set(found) == Set(ids).subtracting([.string("m0"), .string("m1"), .string("m2")]))
        #expect(found.count == 6)
        #expect(try store.unanalysedMessageIDs(limit: 2, maxAttempts: 3).count == 2)
        #expect(try store.unanalysedMessageIDs(limit: 0, maxAttempts: 3).isEmpty)
    }

    @Test("unanalysed ids page through more than one batch")
    func unanalysedPaging() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let ids: [RecordID] = (0..<1_203).map { .string(String(format: "m%05d", $0)) }
        try store.insertHostMessages(
            ids.map { MessageRecord(id: $0, conversationID: .string("c"), role: "user", content: "t") }
        )
        try store.saveAnalyses(ids.enumerated().filter { $0.offset % 2 == 0 }.map { Fixtures.analysis($0.element) })
        let found = try store.unanalysedMessageIDs(limit: 10_000, maxAttempts: 3)
        #expect(found.count == 601)
        #expect(Set(found) == Set(ids.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)))
        #expect(try store.unanalysedMessageIDs(limit: 550, maxAttempts: 3).count == 550)
    }
}
