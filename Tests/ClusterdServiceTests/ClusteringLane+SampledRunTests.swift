import ClusterdCore
import Testing

@testable import ClusterdService

/// A run fitted on a sample, completed over every conversation: sizes at every level of the hierarchy.
@Suite struct ClusteringLaneSampledRunTests {
    private func cluster(_ id: String, level: Int, parent: String?) -> Cluster {
        var cluster = Cluster(
            runID: .string("r"),
            stableID: id,
            name: id,
            description: "",
            size: 1,
            topConcepts: [],
            representativeConversationIDs: [],
            centroid: []
        )
        cluster.level = level
        cluster.parent = parent
        return cluster
    }

    @Test("base sizes come from the assignments, a parent's from its children, level by level")
    func parentsAreTheSumOfTheirChildren() {
        var clusters = [
            cluster("t", level: 2, parent: nil),
            cluster("p1", level: 1, parent: "t"), cluster("p2", level: 1, parent: "t"),
            cluster("b1", level: 0, parent: "p1"), cluster("b2", level: 0, parent: "p1"),
            cluster("p2", level: 0, parent: "p2"),
        ]
        let sizes = ["b1": 3, "b2": 2, "p2": 4]
        let assignments = sizes.flatMap { id, count in
            (0..<count).map {
                ClusterAssignment(
                    conversationID: .string("\(id)-\($0)"),
                    runID: .string("r"),
                    stableID: id,
                    distance: 0.1
                )
            }
        }
        var metrics = RunMetrics(silhouette: nil, inertia: 0, sizes: [], k: 3)
        ClusteringLane.completeSampledRun(
            clusters: &clusters,
            metrics: &metrics,
            assignments: assignments,
            previous: PreviousClustering()
        )
        let byLevel = Dictionary(uniqueKeysWithValues: clusters.map { ("\($0.level)/\($0.stableID)", $0.size) })
        #expect(byLevel == ["0/b1": 3, "0/b2": 2, "0/p2": 4, "1/p1": 5, "1/p2": 4, "2/t": 9])
        #expect(metrics.sizes == [4, 3, 2], "the run's sizes are its base clusters'")
    }
}
