import ClusterdCore
import ClusterdEmbedding
import ClusterdTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@testable import ClusterdService
@testable import ClusterdStore

/// Several replicas on one store, in process against the embedded MongoDB: one clustering leader by lease, forced
/// runs forwarded to it, runs of a replica that lost the lease fenced off, and a newcomer that leaves the leader's
/// live run alone. Short leases (1 s, renewed every 0.2 s) keep them quick.
@Suite(.timeLimit(.minutes(3)))
struct ReplicaTests {
    func replica(
        _ id: String,
        store: any ServiceStore,
        embedder: any Embedder = HashingEmbedder()
    ) -> BackgroundClusteringService {
        var configuration = ServiceConfiguration(
            trigger: TriggerConfiguration(enabled: true, messageThreshold: 100_000, timeThresholdMinutes: 100_000),
            analysisWorkers: 1,
            queueCapacity: 100,
            notFoundRetryDelays: [0.05],
            tickSeconds: 3600
        )
        configuration.instanceID = id
        configuration.leaseSeconds = 1
        configuration.leaseRenewSeconds = 0.2
        configuration.clustering.kRule = .fixed(2)
        let service = BackgroundClusteringService(
            configuration: configuration,
            store: store,
            embedder: embedder,
            logger: Logger(label: "replica-\(id)")
        )
        service.start()
        service.waitForStartUp()
        return service
    }

    func insertConversations(_ store: MongoStore) throws {
        try store.insertHostMessages(
            (0..<6).flatMap { conversation in
                (0..<2).map { index in
                    MessageRecord(
                        id: .string("m-\(conversation)-\(index)"),
                        conversationID: .string("c-\(conversation)"),
                        role: "user",
                        content: conversation % 2 == 0
                            ? "refund for my order \(index)" : "parcel shipping late \(index)"
                    )
                }
            }
        )
    }

    @Test func oneLeaderAndAFollowersForcedRunReachesIt() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let a = replica("a", store: store)
        defer { a.shutdown() }
        let b = replica("b", store: store)
        defer { b.shutdown() }
        #expect(a.state.read { $0.replica.isLeader } && a.state.read { $0.replica.fencingToken } == 1)
        #expect(b.state.read { !$0.replica.isLeader && $0.replica.leader == "a" })
        try insertConversations(store)
        #expect(try waitUntil { try store.countAnalyses() == 12 })

        let forwarded = b.forceClustering()
        #expect(!forwarded.started && forwarded.message.contains("leader"), "\(forwarded)")
        // The forced run (an automatic first run may come before it), on the leader only.
        #expect(
            try waitUntil {
                try store.recentRuns(limit: 10).contains {
                    $0.status == .succeeded && $0.triggerReason.hasPrefix(ClusteringLane.forcedReason)
                }
            }
        )
        let runs = try store.recentRuns(limit: 10)
        #expect(runs.allSatisfy { $0.owner == "a" && $0.fencingToken == 1 }, "\(runs.map(\.owner))")
        let run = try #require(try store.latestSuccessfulRun())
        #expect(waitUntil { b.status().latestClusteringRun?.id == run.id.description }, "the follower shows it")
    }

    @Test func aLeaseCallGivesUpInTimeForOneMoreRoundBeforeTheLeaseEnds() {
        #expect(LeaseKeeper.callTimeout(lease: 15, renew: 5) == 5)
        #expect(LeaseKeeper.callTimeout(lease: 60, renew: 10) == 25)
        #expect(LeaseKeeper.callTimeout(lease: 3, renew: 1) == 1)
        #expect(LeaseKeeper.callTimeout(lease: 1, renew: 0.2) == 1, "at least a second")
    }

    @Test func theLeaseIsRenewedOnItsOwnConnectionWhileEveryPooledOneIsBusy() throws {
        var configuration = try EmbeddedMongo.configuration()
        configuration.poolSize = 1
        let store = try MongoStore(configuration: configuration)
        defer { store.close() }
        configuration.poolSize = 2
        let observer = try MongoStore(configuration: configuration)
        defer { observer.close() }
        let a = replica("a", store: store)
        defer { a.shutdown() }
        #expect(a.leases.isLeader)
        // The pool's only connection stays busy (as when a saturated store keeps the lanes' calls waiting).
        let busy = Gate(open: false)
        defer { busy.open() }
        let borrowed = DispatchSemaphore(value: 0)
        let collection = configuration.leasesCollection
        Thread {
            try? store.withCollection(collection) { _ in
                borrowed.signal()
                busy.pass(within: 30)
            }
        }.start()
        borrowed.wait()
        let before = try #require(try observer.lease(named: LeaseKeeper.leaseName))
        // Renewed again and again (every 0.2 s) for more than twice the lease's length, under the same token.
        #expect(
            try waitUntil(10) {
                try observer.lease(named: LeaseKeeper.leaseName).map {
                    $0.expiresAt.timeIntervalSince(before.expiresAt) > 2.5
                } ?? false
            }
        )
        let lease = try #require(try observer.lease(named: LeaseKeeper.leaseName))
        #expect(lease.owner == "a" && lease.token == 1, "\(lease)")
        #expect(a.leases.isLeader)
    }

    @Test func statusOnEveryReplicaShowsTheLeaseAndAFollowerStaysReady() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let a = replica("a", store: store)
        defer { a.shutdown() }
        let b = replica("b", store: store)
        defer { b.shutdown() }
        let leader = a.status().replica
        #expect(leader.id == "a" && leader.leader == "a" && leader.isLeader && leader.fencingToken == 1, "\(leader)")
        #expect((leader.leaseAgeSeconds ?? -1) >= 0, "\(leader)")
        let follower = b.status().replica
        #expect(follower.id == "b" && follower.leader == "a" && !follower.isLeader, "\(follower)")
        #expect(follower.fencingToken == 1 && follower.leaseAgeSeconds != nil, "\(follower)")
        let json = try #require(
            (b.status().jsonObject["operator"] as? [String: Any])?["replica"] as? [String: Any]
        )
        #expect(json["leader"] as? String == "a" && json["is_leader"] as? Bool == false, "\(json)")
        let readiness = b.readiness()
        #expect(readiness.storeReachable && readiness.acceptingWork, "a follower is ready: \(readiness.problems)")
    }

    @Test func liveClaimsCountTheMessagesClaimedAndNotFinished() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let embedder = GateEmbedder()
        embedder.close()
        let a = replica("a", store: store, embedder: embedder)
        defer { a.shutdown() }
        try insertConversations(store)
        #expect(waitUntil { embedder.waiting > 0 })
        // Every claim document is this replica's and none is finished while the embedder holds them (a second
        // batch may still be between its claim and the count: wait for the two to agree).
        #expect(
            try waitUntil {
                let claims = try store.attemptTotals().documents
                return claims > 0 && a.status().replica.liveClaims == claims
            },
            "\(a.status().replica)"
        )
        embedder.open()
        #expect(try waitUntil { try store.countAnalyses() == 12 })
        #expect(waitUntil { a.status().replica.liveClaims == 0 })
    }

    @Test func aNewcomerLeavesTheLeadersLiveRunAloneAndTakesOverWhenTheLeaderStops() throws {
        let mongo = try EmbeddedMongo.store()
        defer { mongo.close() }
        let store = FlakyStore(mongo)
        try insertConversations(mongo)
        let a = replica("a", store: store)
        #expect(try waitUntil { try mongo.countAnalyses() == 12 })
        let gate = Gate(open: false)
        store.afterSavingClusters.withLock { $0 = { gate.pass() } }
        // This forced run, or the automatic first run it joins, is held after saving its clusters.
        _ = a.forceClustering()
        #expect(try waitUntil { try mongo.latestRun()?.status == .running })
        let b = replica("b", store: store)
        defer { b.shutdown() }
        #expect(b.state.read { !$0.replica.isLeader })
        #expect(try mongo.latestRun()?.status == .running, "the newcomer did not abandon the leader's live run")
        store.afterSavingClusters.withLock { $0 = nil }
        gate.open()
        #expect(try waitUntil { try mongo.latestRun()?.status == .succeeded })

        // The leader stops (releasing its lease): the follower leads within a round, with the next token.
        a.shutdown()
        #expect(waitUntil(10) { b.state.read { $0.replica.isLeader && $0.replica.fencingToken == 2 } })
    }

    @Test func aLeaderThatLostItsLeaseMidRunIsFencedOff() throws {
        let mongo = try EmbeddedMongo.store()
        defer { mongo.close() }
        let store = FlakyStore(mongo)
        try insertConversations(mongo)
        let a = replica("a", store: store)
        defer { a.shutdown() }
        #expect(try waitUntil { try mongo.countAnalyses() == 12 })
        let gate = Gate(open: false)
        let saved = Mutex(false)
        store.afterSavingClusters.withLock {
            $0 = {
                saved.withLock { $0 = true }
                gate.pass()
            }
        }
        _ = a.forceClustering()
        #expect(waitUntil { saved.withLock { $0 } })
        // Meanwhile another replica takes the lease over (as after a pause or a partition longer than the lease).
        let later = try mongo.serverTime().addingTimeInterval(3600)
        let taken = try #require(
            try mongo.leaseRound(named: LeaseKeeper.leaseName, owner: "z", incarnation: "z1", ttl: 7200, now: later)
        )
        #expect(taken.owner == "z" && taken.token == 2)
        store.afterSavingClusters.withLock { $0 = nil }
        gate.open()
        #expect(try waitUntil { try mongo.latestRun()?.status == .abandoned })
        let run = try #require(try mongo.latestRun())
        #expect(run.fencingToken == 1 && run.error?.contains("lease") == true, "\(run.error ?? "")")
        #expect(try mongo.latestSuccessfulRun() == nil, "never published")
        #expect(waitUntil { a.state.read { !$0.replica.isLeader && $0.replica.leader == "z" } })
    }
}
