import ClusterdCore
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

/// The clustering leader's lease against the real embedded MongoDB: one holder at a time, takeover only after the
/// expiry, a token that grows on every acquisition, the publication fence and forwarded forced runs.
@Suite("MongoStore: leader lease")
struct MongoStoreLeaseTests {
    let name = "clustering"
    let start = Date(timeIntervalSince1970: 1_736_544_600)

    @Test("the first replica creates the lease; another follows it until it ends, then takes over with token + 1")
    func acquisitionAndTakeover() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let first = try #require(try store.leaseRound(named: name, owner: "a", ttl: 15, now: start))
        #expect(first.owner == "a" && first.token == 1)
        let followed = try #require(
            try store.leaseRound(named: name, owner: "b", ttl: 15, now: start.addingTimeInterval(5))
        )
        #expect(followed.owner == "a" && followed.token == 1, "b follows a live lease")
        let renewed = try #require(
            try store.leaseRound(named: name, owner: "a", ttl: 15, now: start.addingTimeInterval(10))
        )
        #expect(renewed.token == 1 && renewed.expiresAt == start.addingTimeInterval(25), "a renewal keeps the token")
        #expect(
            try store.leaseRound(named: name, owner: "b", ttl: 15, now: start.addingTimeInterval(24.9))?.owner == "a"
        )
        let taken = try #require(
            try store.leaseRound(named: name, owner: "b", ttl: 15, now: start.addingTimeInterval(25))
        )
        #expect(taken.owner == "b" && taken.token == 2 && taken.acquiredAt == start.addingTimeInterval(25))
        // The former holder comes back: it follows, and cannot renew what it lost.
        #expect(try store.leaseRound(named: name, owner: "a", ttl: 15, now: start.addingTimeInterval(26))?.owner == "b")
    }

    @Test("the fence passes only for the holder's current token; a released lease is taken over at once")
    func fenceAndRelease() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let lease = try #require(try store.leaseRound(named: name, owner: "a", ttl: 15, now: start))
        let run = RecordID.objectID("65a1b2c3d4e5f60718293a4b")
        #expect(try store.passFence(named: name, owner: "a", token: lease.token, runID: run, now: start))
        #expect(try !store.passFence(named: name, owner: "a", token: lease.token + 1, runID: run, now: start))
        #expect(try !store.passFence(named: name, owner: "b", token: lease.token, runID: run, now: start))
        try store.releaseLease(named: name, owner: "a", token: lease.token, now: start.addingTimeInterval(1))
        let next = try #require(
            try store.leaseRound(named: name, owner: "b", ttl: 15, now: start.addingTimeInterval(1))
        )
        #expect(next.owner == "b" && next.token == 2)
        #expect(
            try !store.passFence(named: name, owner: "a", token: lease.token, runID: run, now: start),
            "the old holder's token no longer passes"
        )
    }

    @Test("two replicas racing for an ended lease: exactly one takes it")
    func race() async throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        _ = try store.leaseRound(named: name, owner: "old", ttl: 1, now: start)
        let later = start.addingTimeInterval(5)
        let owners = (0..<6).map { "r\($0)" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for owner in owners {
                group.addTask {
                    try await onOwnThread { _ = try store.leaseRound(named: name, owner: owner, ttl: 15, now: later) }
                }
            }
            try await group.waitForAll()
        }
        let lease = try #require(try store.lease(named: name))
        #expect(owners.contains(lease.owner) && lease.token == 2, "one takeover, one token step")
    }

    @Test("runs started under an older token are abandoned; a forced run asked on a follower reaches the holder once")
    func abandonmentAndForwarding() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        for token in [Int64(1), 2, 3] {
            var run = Fixtures.run(createdAt: start.addingTimeInterval(Double(token)))
            run.fencingToken = token
            try store.insertRun(run)
        }
        #expect(try store.abandonRunningRuns(before: 3, reason: "a newer leader", now: start) == 2)
        #expect(try store.recentRuns(limit: 10).filter { $0.status == .running }.map(\.fencingToken) == [3])

        let lease = try #require(try store.leaseRound(named: name, owner: "a", ttl: 15, now: start))
        #expect(try store.takeForcedRunRequest(named: name, owner: "a", token: lease.token) == nil)
        try store.requestForcedRun(named: name, by: "b", now: start)
        #expect(try store.takeForcedRunRequest(named: name, owner: "c", token: lease.token) == nil, "not the holder")
        #expect(try store.takeForcedRunRequest(named: name, owner: "a", token: lease.token) == "b")
        #expect(try store.takeForcedRunRequest(named: name, owner: "a", token: lease.token) == nil, "taken once")
    }

    @Test("the store's clock is read from the server")
    func serverClock() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        #expect(abs(try store.serverTime().timeIntervalSinceNow) < 60)
    }

    @Test("a restarted replica (same id, new process) takes its live lease over at once, with the next token")
    func restart() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let first = try #require(try store.leaseRound(named: name, owner: "a", incarnation: "p1", ttl: 15, now: start))
        let again = try #require(
            try store.leaseRound(named: name, owner: "a", incarnation: "p2", ttl: 15, now: start.addingTimeInterval(1))
        )
        #expect(again.owner == "a" && again.incarnation == "p2" && again.token == first.token + 1)
        #expect(
            try store.leaseRound(named: name, owner: "a", incarnation: "p1", ttl: 15, now: start.addingTimeInterval(2))?
                .incarnation == "p1",
            "the earlier process, were it alive, takes it back: replica ids must be unique per running process"
        )
    }
}
