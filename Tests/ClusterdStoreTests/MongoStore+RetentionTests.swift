import ClusterdCore
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

@Suite("MongoStore: retention")
struct MongoStoreRetentionTests {
    static let base = Date(timeIntervalSince1970: 1_736_544_600)

    /// A run of `status` created `minute` minutes after the base, with one cluster and two assignments.
    private func addRun(_ store: MongoStore, minute: Int, status: RunStatus) throws -> RecordID {
        let run = Fixtures.run(createdAt: Self.base.addingTimeInterval(Double(minute) * 60), status: status)
        try store.insertRun(run)
        let cluster = Cluster(
            runID: run.id,
            stableID: "s",
            name: "n",
            description: "",
            size: 2,
            topConcepts: [],
            representativeConversationIDs: [],
            centroid: [1, 0]
        )
        let assignments = ["a", "b"].map {
            ClusterAssignment(conversationID: .string($0), runID: run.id, stableID: "s", distance: 0)
        }
        try store.saveClusters([cluster], assignments: assignments)
        return run.id
    }

    @Test("pruning keeps exactly the newest N successful runs' clusters and assignments and a running run's")
    func keepsNewest() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        var succeeded: [RecordID] = []
        for minute in 0..<5 { succeeded.append(try addRun(store, minute: minute * 10, status: .succeeded)) }
        let failed = try addRun(store, minute: 45, status: .failed)
        let abandoned = try addRun(store, minute: 46, status: .abandoned)
        let running = try addRun(store, minute: 47, status: .running)

        let pruned = try store.pruneRuns(keep: 2)
        #expect(
            pruned.clusters == 5 && pruned.assignments == 10,
            "3 old successful runs, a failed and an abandoned one"
        )
        for id in succeeded.suffix(2) + [running] {
            #expect(try store.clusters(runID: id).count == 1)
            #expect(try store.assignments(runID: id).count == 2)
        }
        for id in succeeded.prefix(3) + [failed, abandoned] {
            #expect(try store.clusters(runID: id).isEmpty)
            #expect(try store.assignments(runID: id).isEmpty)
        }
        // Run documents stay (history for ListRuns).
        #expect(try store.recentRuns(limit: 100).count == 8)
        let again = try store.pruneRuns(keep: 2)
        #expect(again.clusters == 0 && again.assignments == 0, "pruned runs are marked and skipped")
    }

    @Test("the latest successful run is kept even with keep 0, whatever newer runs failed")
    func latestSuccessfulAlwaysKept() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let old = try addRun(store, minute: 0, status: .succeeded)
        let latest = try addRun(store, minute: 1, status: .succeeded)
        _ = try addRun(store, minute: 2, status: .failed)
        _ = try store.pruneRuns(keep: 0)
        #expect(try store.clusters(runID: latest).count == 1)
        #expect(try store.clusters(runID: old).isEmpty)
    }
}
