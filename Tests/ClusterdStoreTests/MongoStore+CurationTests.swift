import ClusterdCore
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

/// Hand curation, export pages and topic history against the real embedded MongoDB.
@Suite("MongoStore: curation and export")
struct MongoStoreCurationTests {
    let at = Date(timeIntervalSince1970: 1_736_544_600)

    private func cluster(_ id: String, run: RecordID, name: String = "name", size: Int = 1) -> Cluster {
        Cluster(
            runID: run,
            stableID: id,
            name: name,
            description: "about \(id)",
            size: size,
            topConcepts: ["a"],
            representativeConversationIDs: [],
            centroid: [1, 0]
        )
    }

    @Test("curation is stored per stable id, an emptied one is deleted, every change is logged newest first")
    func curationAndLog() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let renamed = TopicCuration(stableID: "c-1", name: "Hand", updatedBy: "local", updatedAt: at)
        try store.saveCuration(
            renamed,
            change: CurationChange(
                action: .rename,
                stableID: "c-1",
                name: "Hand",
                previousName: "old",
                by: "local",
                at: at
            )
        )
        let merged = TopicCuration(stableID: "c-2", mergedInto: "c-1", updatedBy: "token (clusterctl)", updatedAt: at)
        try store.saveCuration(
            merged,
            change: CurationChange(
                action: .merge,
                stableID: "c-2",
                intoStableID: "c-1",
                by: "token (clusterctl)",
                at: at.addingTimeInterval(1)
            )
        )
        #expect(try store.curations() == [renamed, merged])

        var unpinned = renamed
        unpinned.name = nil
        try store.saveCuration(
            unpinned,
            change: CurationChange(action: .unpin, stableID: "c-1", by: "local", at: at.addingTimeInterval(2))
        )
        #expect(try store.curations() == [merged])
        let log = try store.curationChanges(stableID: nil, limit: 10)
        #expect(log.map(\.action) == [.unpin, .merge, .rename])
        #expect(log.last?.previousName == "old" && log.last?.by == "local")
        #expect(try store.curationChanges(stableID: "c-1", limit: 10).count == 3, "c-1 as changed or surviving topic")
        #expect(try store.curationChanges(stableID: "c-2", limit: 10).map(\.action) == [.merge])
        #expect(try store.curationChanges(stableID: nil, limit: 1).map(\.action) == [.unpin])
    }

    @Test("a run's cluster is renamed in place; clusters of a stable id are found across runs")
    func renameAndHistory() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let first = RecordID.string("run-1")
        let second = RecordID.string("run-2")
        try store.saveClusters([cluster("c-1", run: first, size: 3), cluster("c-2", run: first)], assignments: [])
        try store.saveClusters([cluster("c-1", run: second, size: 5)], assignments: [])
        #expect(
            try store.renameCluster(runID: second, stableID: "c-1", name: "Hand", description: nil, source: "curated")
        )
        #expect(
            try !store.renameCluster(runID: second, stableID: "c-9", name: "x", description: nil, source: "curated")
        )
        let renamed = try #require(try store.cluster(runID: second, stableID: "c-1"))
        #expect(renamed.name == "Hand" && renamed.nameSource == "curated" && renamed.description == "about c-1")
        #expect(try store.cluster(runID: first, stableID: "c-1")?.name == "name")
        let history = try store.clusters(stableID: "c-1").sorted { $0.runID < $1.runID }
        #expect(history.map(\.size) == [3, 5])
    }

    @Test(
        "an assignment export reads one cursor in pages within a byte budget; provisional pages read strings, then ObjectIds"
    )
    func exportPages() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let run = RecordID.string("run-1")
        let assignments = (0..<7).map {
            ClusterAssignment(conversationID: .string("conv-\($0)"), runID: run, stableID: "c-1", distance: 0.1)
        }
        let other = ClusterAssignment(
            conversationID: .string("x"),
            runID: .string("run-0"),
            stableID: "c-1",
            distance: 0
        )
        try store.saveClusters([], assignments: assignments + [other])
        let export: AssignmentExport = try store.openAssignmentExport(runID: run)
        defer { export.close() }
        var pages: [[String]] = []
        while true {
            // Two rows' worth of budget a page (ids of 6 characters, stable ids of 3, 10 bytes of margin).
            let page = try export.next(limit: 5, byteBudget: 38) {
                $0.conversationID.description.count + $0.stableID.count + 10
            }
            pages.append(page.rows.map(\.conversationID.description))
            if page.done { break }
        }
        #expect(pages.map(\.count) == [2, 2, 2, 1], "the budget, not the limit, ends each page; no row is lost")
        #expect(pages.flatMap { $0 }.sorted() == assignments.map(\.conversationID.description).sorted())
        #expect(try export.next(limit: 5, byteBudget: 100) { _ in 1 }.rows.isEmpty)

        let hex = "65a1b2c3d4e5f60718293a4b"
        let placements: [RecordID] = [.string("conv-1"), .string("late-1"), .objectID(hex), .string("late-2")]
        try store.saveProvisionalAssignments(
            placements.map {
                ProvisionalAssignment(
                    conversationID: $0,
                    runID: run,
                    stableID: "c-1",
                    distance: 0.3,
                    assignedAt: at,
                    embedder: "hashing",
                    vectorSum: [1, 0],
                    messageIDs: [.string("m")]
                )
            }
        )
        let firstPage = try store.provisionalPage(runID: run, after: nil, limit: 2)
        #expect(firstPage.map(\.conversationID) == [.string("conv-1"), .string("late-1")])
        #expect(firstPage.allSatisfy { $0.vectorSum.isEmpty && $0.assignedAt == at })
        let secondPage = try store.provisionalPage(runID: run, after: .string("late-1"), limit: 2)
        #expect(secondPage.map(\.conversationID) == [.string("late-2"), .objectID(hex)])
        #expect(try store.provisionalPage(runID: run, after: .objectID(hex), limit: 2).isEmpty)
        #expect(
            try store.assignedConversations(runID: run, among: placements) == [.string("conv-1")],
            "conv-1 is in the run as well as placed since"
        )
    }
}
