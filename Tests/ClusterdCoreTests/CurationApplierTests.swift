import ClusterdCore
import Foundation
import Testing

/// Hand curation applied to a run: merges combine clusters under the surviving id, kept names replace the run's.
struct CurationApplierTests {
    let run = RecordID.string("run-2")
    let at = Date(timeIntervalSince1970: 1_736_544_600)

    func cluster(_ id: String, size: Int, level: Int = 0, parent: String? = nil, centroid: [Float] = [1, 0])
        -> Cluster
    {
        Cluster(
            runID: run,
            stableID: id,
            name: "name of \(id)",
            description: "about \(id)",
            size: size,
            topConcepts: ["\(id)-concept"],
            representativeConversationIDs: [.string("\(id)-rep")],
            centroid: centroid,
            lineage: ClusterLineage(kind: .continued, previousStableIDs: [id]),
            level: level,
            parent: parent
        )
    }

    func assignment(_ conversation: String, _ id: String) -> ClusterAssignment {
        ClusterAssignment(conversationID: .string(conversation), runID: run, stableID: id, distance: 0.1)
    }

    func topic(_ id: String, name: String? = nil, into: String? = nil) -> TopicCuration {
        TopicCuration(stableID: id, name: name, mergedInto: into, updatedBy: "local", updatedAt: at)
    }

    @Test func aMergeReportsTheAbsorbedConversationsUnderTheSurvivorAndCombinesTheClusters() throws {
        var clusters = [
            cluster("c-a", size: 3, parent: "p-1", centroid: [1, 0]),
            cluster("c-b", size: 1, parent: "p-2", centroid: [0, 1]),
            cluster("c-c", size: 2, parent: "p-2"),
            cluster("p-1", size: 3, level: 1),
            cluster("p-2", size: 3, level: 1),
        ]
        var assignments = [assignment("x", "c-a"), assignment("y", "c-b"), assignment("z", "c-c")]
        var lineage = [
            LineageEvent(kind: .continued, stableIDs: ["c-a"], previousStableIDs: ["c-a"]),
            LineageEvent(kind: .continued, stableIDs: ["c-b"], previousStableIDs: ["c-b"]),
            LineageEvent(kind: .continued, stableIDs: ["c-c"], previousStableIDs: ["c-c"]),
        ]
        let applier = CurationApplier([topic("c-b", into: "c-a")])
        let merged = applier.apply(merges: &clusters, assignments: &assignments, lineage: &lineage)

        #expect(merged == ["c-b": "c-a"])
        #expect(clusters.map(\.stableID) == ["c-a", "c-c", "p-1", "p-2"])
        let survivor = try #require(clusters.first { $0.stableID == "c-a" })
        #expect(survivor.size == 4)
        #expect(survivor.name == "name of c-a")
        #expect(survivor.parent == "p-1")
        #expect(survivor.topConcepts == ["c-a-concept"])
        #expect(survivor.lineage.kind == .merged)
        #expect(survivor.lineage.previousStableIDs == ["c-a", "c-b"])
        #expect(abs(survivor.centroid[0] - 3 / Float(10).squareRoot()) < 1e-5)
        #expect(clusters.first { $0.stableID == "p-1" }?.size == 4)
        #expect(clusters.first { $0.stableID == "p-2" }?.size == 2)
        #expect(assignments.map(\.stableID) == ["c-a", "c-a", "c-c"])
        #expect(lineage.filter { $0.kind == .continued }.map(\.stableIDs) == [["c-a"], ["c-c"]])
        #expect(lineage.last == LineageEvent(kind: .merged, stableIDs: ["c-a"], previousStableIDs: ["c-a", "c-b"]))
    }

    @Test func anAbsorbedIdWhoseSurvivorIsAbsentCarriesTheSurvivorsIdAndAParentLeftEmptyIsDropped() {
        var clusters = [
            cluster("c-b", size: 2, parent: "p-2"), cluster("c-c", size: 5, parent: "p-1"),
            cluster("p-1", size: 5, level: 1), cluster("p-2", size: 2, level: 1),
            cluster("q-1", size: 7, level: 2),
        ]
        clusters[2].parent = "q-1"
        clusters[3].parent = "q-1"
        var assignments = [assignment("y", "c-b")]
        var lineage: [LineageEvent] = []
        // c-b → c-gone → c-c: a chain; and p-2 merged into p-1 empties nothing but moves c-b's parent.
        let applier = CurationApplier([
            topic("c-b", into: "c-gone"), topic("c-gone", into: "c-x"), topic("p-2", into: "p-1"),
        ])
        #expect(applier.survivor(of: "c-b") == "c-x")
        applier.apply(merges: &clusters, assignments: &assignments, lineage: &lineage)
        #expect(clusters.map(\.stableID) == ["c-x", "c-c", "p-1", "q-1"])
        #expect(clusters[0].parent == "p-1")
        #expect(clusters[2].size == 7)
        #expect(clusters[3].size == 7)
        #expect(assignments.map(\.stableID) == ["c-x"])
    }

    @Test func aMergeAcrossLevelsIsLeftOutAndACycleEnds() {
        var clusters = [cluster("c-a", size: 1), cluster("p-1", size: 1, level: 1)]
        var assignments = [assignment("x", "c-a")]
        var lineage: [LineageEvent] = []
        let applier = CurationApplier([topic("c-a", into: "p-1"), topic("p-1", into: "c-a")])
        #expect(applier.survivor(of: "c-a") == "p-1")
        #expect(applier.apply(merges: &clusters, assignments: &assignments, lineage: &lineage).isEmpty)
        #expect(clusters.map(\.stableID) == ["c-a", "p-1"])
    }

    @Test func keptNamesReplaceTheRunsNames() {
        var clusters = [cluster("c-a", size: 1), cluster("c-b", size: 1)]
        var kept = topic("c-a", name: "Hand name")
        kept.description = "Chosen by hand"
        let named = CurationApplier([kept, topic("c-b", into: "c-z")]).applyNames(&clusters)
        #expect(named == ["c-a"])
        #expect(clusters[0].name == "Hand name")
        #expect(clusters[0].description == "Chosen by hand")
        #expect(clusters[0].nameSource == CurationApplier.nameSource)
        #expect(clusters[1].name == "name of c-b")
    }
}
