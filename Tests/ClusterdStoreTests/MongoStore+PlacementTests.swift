import ClusterdCore
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

/// Provisional placements against the real embedded MongoDB: each write is a compare-and-set on the revision, so
/// two writers of one conversation never lose each other's messages.
@Suite("MongoStore: provisional placements")
struct MongoStorePlacementTests {
    let at = Date(timeIntervalSince1970: 1_736_544_600)

    private func placement(_ conversation: String, messages: [String], revision: Int) -> ProvisionalAssignment {
        ProvisionalAssignment(
            conversationID: .string(conversation),
            runID: .string("run-1"),
            stableID: "c\(messages.count)",
            distance: 0.25,
            assignedAt: at,
            embedder: "hashing",
            vectorSum: [1, 0, 0],
            messageIDs: messages.map { .string($0) },
            revision: revision
        )
    }

    @Test("a first write inserts; a second first write, or a write from a stale revision, loses and changes nothing")
    func compareAndSet() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        #expect(try store.saveProvisionalAssignments([placement("a", messages: ["m1"], revision: 1)]).isEmpty)
        let lostInsert = try store.saveProvisionalAssignments([
            placement("a", messages: ["m2"], revision: 1), placement("b", messages: ["m9"], revision: 1),
        ])
        #expect(lostInsert == [.string("a")], "b is new and written; a's first write already happened")
        #expect(try store.saveProvisionalAssignments([placement("a", messages: ["m1", "m2"], revision: 2)]).isEmpty)
        #expect(
            try store.saveProvisionalAssignments([placement("a", messages: ["m1", "m3"], revision: 2)])
                == [.string("a")],
            "a writer that read revision 1 loses to the one that wrote revision 2"
        )
        let stored = try store.provisionalAssignments(conversationIDs: [.string("a"), .string("b")])
        #expect(stored[.string("a")]?.messageIDs == [.string("m1"), .string("m2")])
        #expect(stored[.string("a")]?.revision == 2 && stored[.string("a")]?.stableID == "c2")
        #expect(stored[.string("b")]?.revision == 1 && stored[.string("b")]?.distance == 0.25)
    }
}
