import ClusterdCore
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

@Suite("MongoStore: concept backlog claims")
struct MongoStoreConceptBacklogTests {
    static let base = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("claims read in windows still take exactly the newest (or, for a batch, the oldest) claimable entries")
    func windowedClaimsTakeWhatASortWould() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        try store.ensureIndexes()
        // What should be claimable, by id: when it became available (the store keeps milliseconds).
        var claimable: [String: Date] = [:]
        var now = Self.base
        func enqueue(_ count: Int, prefix: String) throws {
            let ids = (0..<count).map { "\(prefix)-\($0)" }
            let available = now.addingTimeInterval(5)
            try store.enqueueConceptBacklog(ids.map { (.string($0), now) }, availableAt: available)
            let stored = Date(timeIntervalSince1970: (available.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
            for id in ids { claimable[id] = stored }
        }
        for step in 0..<24 {
            if step < 12 { try enqueue(150, prefix: "s\(step)") }
            now = now.addingTimeInterval(1.5)
            let taken = try store.claimConceptBacklog(limit: 40, owner: "a", now: now, expiresAt: now + 600)
            let ids = Set(taken.map { $0.messageID.description })
            // Entries queued together tie on `available_at`: any of a tied group may be taken, never an older one.
            let cutoff = claimable.filter { ids.contains($0.key) }.map(\.value).min() ?? .distantFuture
            #expect(ids.count == min(40, claimable.filter { $0.value <= now }.count), "step \(step)")
            #expect(
                claimable.filter { $0.value <= now && !ids.contains($0.key) }.allSatisfy { $0.value <= cutoff },
                "step \(step): a newer entry was left for an older one"
            )
            try store.finishConceptBacklog(taken.map(\.messageID), owner: "a")
            for id in ids { claimable[id] = nil }
        }
        // A message batch takes the oldest; what it takes is gone from the next claim.
        let batch = try store.claimConceptBacklog(
            limit: 300,
            owner: "a",
            token: "batch",
            liveTokens: ["batch"],
            now: now,
            expiresAt: now + 3_600,
            oldestFirst: true
        )
        let oldest = claimable.filter { $0.value <= now }.map(\.value).sorted().prefix(300)
        #expect(batch.count == 300)
        #expect(
            Set(batch.map { claimable[$0.messageID.description] }) == Set(oldest.map { Optional($0) }),
            "the batch took the oldest"
        )
        let rest = try store.claimConceptBacklog(
            limit: 10_000,
            owner: "a",
            liveTokens: ["batch"],
            now: now,
            expiresAt: now + 600
        )
        #expect(rest.count == claimable.count - 300)
        #expect(Set(rest.map(\.messageID)).isDisjoint(with: batch.map(\.messageID)))
    }

    @Test("queued again while claimed: claimable at once for anyone, and the old claimer's finish leaves it")
    func requeuedWhileClaimed() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        try store.ensureIndexes()
        let now = Self.base
        try store.enqueueConceptBacklog([(.string("m"), now)], availableAt: now)
        #expect(try store.claimConceptBacklog(limit: 5, owner: "a", now: now, expiresAt: now + 600).count == 1)
        #expect(try store.claimConceptBacklog(limit: 5, owner: "b", now: now + 1, expiresAt: now + 600).isEmpty)
        // Analysed again (its text changed): back on the backlog, no longer a's.
        try store.enqueueConceptBacklog([(.string("m"), now + 2), (.string("n"), now + 2)], availableAt: now + 2)
        try store.finishConceptBacklog([.string("m")], owner: "a")
        let taken = try store.claimConceptBacklog(limit: 5, owner: "b", now: now + 3, expiresAt: now + 600)
        #expect(Set(taken.map(\.messageID)) == [.string("m"), .string("n")])
        #expect(try store.conceptBacklogCount() == 2)
    }
}
