import ClusterdCore
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

@Suite("MongoStore: erasure")
struct MongoStoreForgetTests {
    static let base = Date(timeIntervalSince1970: 1_736_544_600)
    static let objectID = RecordID.objectID("65a1b2c3d4e5f60718293a4b")

    /// Two conversations: c1 has an ObjectId message and a string one (concept "secret" only there), c2 one message;
    /// one run whose cluster names both as representatives and has "secret" among its top concepts.
    private func seeded(runs: Int = 1) throws -> (MongoStore, [RecordID]) {
        let store = try EmbeddedMongo.store()
        try store.saveAnalyses([
            Fixtures.analysis(Self.objectID, conversation: .string("c1"), concepts: ["secret", "shared"]),
            Fixtures.analysis(.string("m2"), conversation: .string("c1"), concepts: ["secret"]),
            Fixtures.analysis(.string("m3"), conversation: .string("c2"), concepts: ["shared"]),
        ])
        var runIDs: [RecordID] = []
        for index in 0..<runs {
            let run = Fixtures.run(createdAt: Self.base.addingTimeInterval(Double(index)), status: .succeeded)
            runIDs.append(run.id)
            try store.insertRun(run)
            let cluster = Cluster(
                runID: run.id,
                stableID: "s1",
                name: "Secrets",
                description: "",
                size: 2,
                topConcepts: ["secret", "shared", "other"],
                representativeConversationIDs: [.string("c1"), .string("c2")],
                centroid: [1, 0, 0]
            )
            try store.saveClusters(
                [cluster],
                assignments: ["c1", "c2"].map {
                    ClusterAssignment(conversationID: .string($0), runID: run.id, stableID: "s1", distance: 0.1)
                }
            )
        }
        return (store, runIDs)
    }

    @Test(
        "forgetting messages deletes their analyses; a conversation left without any loses its assignments and references; orphaned top concepts go"
    )
    func forgetMessages() throws {
        let (store, runIDs) = try seeded()
        defer { store.close() }
        // Both forms of the ObjectId, as the service passes them; only the ObjectId one exists.
        var counts = try store.forgetMessages(ids: RecordID.candidates(for: Self.objectID.description))
        #expect(counts == ErasureCounts(analyses: 1, assignments: 0, clusters: 0))
        #expect(try store.analysis(messageID: Self.objectID) == nil)
        #expect(try store.assignments(runID: runIDs[0]).count == 2, "c1 still has m2")

        counts = try store.forgetMessages(ids: [.string("m2"), .string("never-analysed")])
        #expect(counts.analyses == 1 && counts.assignments == 1)
        #expect(counts.clusters >= 1)
        #expect(try store.assignments(runID: runIDs[0]).map(\.conversationID) == [.string("c2")])
        let cluster = try #require(try store.clusters(runID: runIDs[0]).first)
        #expect(cluster.representativeConversationIDs == [.string("c2")])
        #expect(cluster.topConcepts == ["shared", "other"], "secret was only in the erased analyses")
        #expect(try store.analysis(messageID: .string("m3")) != nil)
    }

    @Test("forgetting a conversation deletes its analyses, its assignments in every run and its cluster references")
    func forgetConversation() throws {
        let (store, runIDs) = try seeded(runs: 2)
        defer { store.close() }
        let counts = try store.forgetConversation(id: .string("c1"))
        #expect(counts.analyses == 2 && counts.assignments == 2)
        #expect(counts.clusters == 4, "each run's cluster: its representative and its top concept")
        for runID in runIDs {
            #expect(try store.assignments(runID: runID).map(\.conversationID) == [.string("c2")])
            let cluster = try #require(try store.clusters(runID: runID).first)
            #expect(cluster.representativeConversationIDs == [.string("c2")])
            #expect(cluster.topConcepts == ["shared", "other"])
        }
        #expect(try store.countAnalyses() == 1)
        #expect(try store.forgetConversation(id: .string("c1")) == ErasureCounts())
    }

    @Test("hostMessageIDs finds the existing messages among ids, in batches, optionally within conversations")
    func hostMessageIDs() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let messages = (0..<1_200).map { index in
            MessageRecord(
                id: .string(String(format: "m%05d", index)),
                conversationID: .string(index % 2 == 0 ? "even" : "odd"),
                role: "user",
                content: "text \(index)"
            )
        }
        try store.insertHostMessages(messages)
        try store.deleteHostMessages(ids: [.string("m00003"), .string("m01100")])
        let asked = messages.map(\.id) + [.string("missing"), Self.objectID]
        let found = try store.hostMessageIDs(among: asked, inConversations: nil)
        #expect(found.count == 1_198)
        #expect(!found.contains(.string("m00003")) && !found.contains(.string("m01100")))
        let even = try store.hostMessageIDs(among: asked, inConversations: [.string("even")])
        #expect(even.count == 599 && even.contains(.string("m00002")) && !even.contains(.string("m00001")))
    }
}
