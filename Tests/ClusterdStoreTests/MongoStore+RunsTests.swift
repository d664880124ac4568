import ClusterdCore
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

@Suite("MongoStore: runs and clusters")
struct MongoStoreRunsTests {
    static let base = Date(timeIntervalSince1970: 1_736_544_600)

    @Test("a run round-trips with every field, and finishes only while running")
    func finish() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        var run = Fixtures.run(createdAt: Self.base, seed: UInt64.max - 1)
        try store.insertRun(run)
        #expect(try store.run(id: run.id) == run)
        #expect {
            try store.insertRun(run)
        } throws: { error in
            (error as? StoreError)?.code == .conflict
        }

        run.status = .succeeded
        run.finishedAt = Self.base.addingTimeInterval(3)
        run.totalConversations = 12
        run.totalMessages = 40
        run.clustersCreated = 3
        run.durationMs = 3000
        run.metrics = RunMetrics(silhouette: 0.42, inertia: 1.5, sizes: [6, 4, 2], k: 3)
        #expect(try store.finishRun(run))
        #expect(try store.run(id: run.id) == run)
        #expect(try store.latestSuccessfulRun() == run)

        // Finishing again (it is no longer running) does nothing.
        var again = run
        again.status = .failed
        #expect(try store.finishRun(again) == false)
        #expect(try store.run(id: run.id)?.status == .succeeded)

        var withoutSilhouette = Fixtures.run(createdAt: Self.base.addingTimeInterval(1))
        withoutSilhouette.metrics = RunMetrics(silhouette: nil, inertia: 0, sizes: [2], k: 1)
        try store.insertRun(withoutSilhouette)
        #expect(try store.run(id: withoutSilhouette.id) == withoutSilhouette)
    }

    @Test("abandoning running runs; a late finish of an abandoned run is refused; latest by created_at")
    func abandon() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        #expect(try store.latestRun() == nil)
        #expect(try store.latestSuccessfulRun() == nil)
        var done = Fixtures.run(createdAt: Self.base)
        try store.insertRun(done)
        done.status = .succeeded
        #expect(try store.finishRun(done))
        let stale = Fixtures.run(createdAt: Self.base.addingTimeInterval(60))
        try store.insertRun(stale)
        #expect(try store.latestRun()?.id == stale.id)

        let now = Self.base.addingTimeInterval(120)
        #expect(try store.abandonRunningRuns(reason: "process restarted", now: now) == 1)
        #expect(try store.abandonRunningRuns(reason: "process restarted", now: now) == 0)
        let abandoned = try #require(try store.run(id: stale.id))
        #expect(abandoned.status == .abandoned)
        #expect(abandoned.error == "process restarted")
        #expect(abandoned.finishedAt == now)

        var late = stale
        late.status = .succeeded
        #expect(try store.finishRun(late) == false)
        #expect(try store.latestSuccessfulRun()?.id == done.id)
        #expect(try store.recentRuns(limit: 5).map(\.id) == [stale.id, done.id])
    }

    @Test("clusters and assignments round-trip, clusters largest first")
    func clusters() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let run = Fixtures.run(createdAt: Self.base)
        let other = Fixtures.run(createdAt: Self.base.addingTimeInterval(1))
        let clusters = [
            Cluster(
                runID: run.id,
                stableID: "s-small",
                name: "Billing",
                description: "Invoices and refunds.",
                size: 2,
                topConcepts: ["invoice", "refund"],
                representativeConversationIDs: [.string("c1")],
                centroid: [0.6, 0.8]
            ),
            Cluster(
                runID: run.id,
                stableID: "s-big",
                name: "Swift",
                description: "Concurrency questions.",
                size: 9,
                topConcepts: ["actor"],
                representativeConversationIDs: [.objectID("65a1b2c3d4e5f60718293a4b"), .string("c2")],
                centroid: [1, 0]
            ),
        ]
        let assignments = (0..<2_500).map { index in
            ClusterAssignment(
                conversationID: .string(String(format: "c%05d", index)),
                runID: run.id,
                stableID: index % 2 == 0 ? "s-big" : "s-small",
                distance: Double(index) / 10_000
            )
        }
        try store.saveClusters(clusters, assignments: assignments)
        try store.saveClusters(
            [
                Cluster(
                    runID: other.id,
                    stableID: "x",
                    name: "",
                    description: "",
                    size: 1,
                    topConcepts: [],
                    representativeConversationIDs: [],
                    centroid: []
                )
            ],
            assignments: []
        )
        #expect(try store.clusters(runID: run.id) == [clusters[1], clusters[0]])
        #expect(try store.assignments(runID: run.id) == assignments)
        #expect(try store.clusters(runID: other.id).count == 1)
        #expect(try store.clusters(runID: .string("none")).isEmpty)
    }
}
