import ClusterdClustering
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

    @Test("lineage and run-to-run metrics round-trip with the run; cluster lineage, level and parent with the clusters")
    func lineageAndMetrics() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        var run = Fixtures.run(createdAt: Self.base)
        try store.insertRun(run)
        #expect(try store.run(id: run.id)?.lineage == [])
        run.status = .succeeded
        run.metrics = RunMetrics(
            silhouette: 0.25,
            inertia: 3,
            sizes: [5, 4, 2],
            k: 4,
            churn: 0.125,
            adjustedRandIndex: 0.8,
            comparedConversations: 8,
            levelSizes: [40, 9, 3]
        )
        run.lineage = [
            LineageEvent(kind: .continued, stableIDs: ["c-a"], previousStableIDs: ["c-a"], renamed: true, overlap: 0.5),
            LineageEvent(kind: .continued, stableIDs: ["c-b"], previousStableIDs: ["c-b"], overlap: nil),
            LineageEvent(kind: .born, stableIDs: ["c-n"], previousStableIDs: []),
            LineageEvent(kind: .split, stableIDs: ["c-a", "c-n"], previousStableIDs: ["c-a"]),
            LineageEvent(kind: .merged, stableIDs: ["c-b"], previousStableIDs: ["c-b", "c-x"]),
            LineageEvent(kind: .retired, stableIDs: [], previousStableIDs: ["c-x"]),
        ]
        #expect(try store.finishRun(run))
        let back = try #require(try store.run(id: run.id))
        #expect(back == run)
        #expect(back.metrics?.churn == 0.125)
        #expect(back.lineage.map(\.kind) == [.continued, .continued, .born, .split, .merged, .retired])

        let clusters = [
            Cluster(
                runID: run.id,
                stableID: "c-b",
                name: "Billing",
                description: "",
                size: 5,
                topConcepts: [],
                representativeConversationIDs: [],
                centroid: [1, 0],
                lineage: ClusterLineage(kind: .merged, previousStableIDs: ["c-b", "c-x"], renamed: true),
                parent: "c-p"
            ),
            Cluster(
                runID: run.id,
                stableID: "c-n",
                name: "New",
                description: "",
                size: 2,
                topConcepts: [],
                representativeConversationIDs: [],
                centroid: [0, 1],
                parent: "c-p"
            ),
            Cluster(
                runID: run.id,
                stableID: "c-p",
                name: "Parent",
                description: "",
                size: 7,
                topConcepts: [],
                representativeConversationIDs: [],
                centroid: [0.6, 0.8],
                level: 1
            ),
        ]
        try store.saveClusters(clusters, assignments: [])
        let stored = try store.clusters(runID: run.id)
        #expect(Set(stored.map(\.stableID)) == ["c-b", "c-n", "c-p"])
        for cluster in clusters {
            let back = try #require(stored.first { $0.stableID == cluster.stableID })
            #expect(back == cluster)
            #expect(back.level == cluster.level && back.parent == cluster.parent)
        }
    }

    @Test("a run's clusters and assignments read back from MongoDB give the same next run as in memory")
    func engineOutcomeRoundTrip() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        var generator = SeededGenerator(seed: 8)
        let conversations = (0..<60).map { index in
            var vector = (0..<12).map { _ in Float(generator.nextUnitDouble() - 0.5) * 0.6 }
            vector[index % 3] += 1
            return ConversationInput(
                id: index % 2 == 0 ? ObjectIDGenerator.make() : .string("conv-\(index)"),
                embeddings: [vector],
                concepts: [[["refund", "login", "parcel"][index % 3]]]
            )
        }
        let engine = ClusteringEngine()
        var first = Fixtures.run(createdAt: Self.base)
        let outcome = engine.run(runID: first.id, conversations: conversations, previous: .none) { _ in }
        try store.insertRun(first)
        try store.saveClusters(outcome.clusters, assignments: outcome.assignments)
        first.status = .succeeded
        first.metrics = outcome.metrics
        first.lineage = outcome.lineage
        #expect(try store.finishRun(first))

        let latest = try #require(try store.latestSuccessfulRun())
        #expect(latest.lineage == outcome.lineage)
        let stored = PreviousClustering(
            clusters: try store.clusters(runID: latest.id),
            assignments: try store.assignments(runID: latest.id),
            k: latest.metrics?.k
        )
        let inMemory = PreviousClustering(
            clusters: outcome.clusters,
            assignments: outcome.assignments,
            k: outcome.metrics.k
        )
        let nextID = ObjectIDGenerator.make(now: Self.base.addingTimeInterval(60))
        let fromStore = engine.run(runID: nextID, conversations: conversations, previous: stored) { _ in }
        let fromMemory = engine.run(runID: nextID, conversations: conversations, previous: inMemory) { _ in }
        #expect(fromStore == fromMemory)
        #expect(fromStore.metrics.churn == 0)
        #expect(fromStore.metrics.adjustedRandIndex == 1)
        #expect(Set(fromStore.clusters.map(\.stableID)) == Set(outcome.clusters.map(\.stableID)))
        #expect(fromStore.lineage.allSatisfy { $0.kind == .continued })
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
