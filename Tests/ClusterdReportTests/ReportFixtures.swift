import ClusterdCore
import Foundation

@testable import ClusterdReport

/// Synthetic clusters and report models for the report's tests.
enum ReportFixtures {
    /// Base clusters with these ids and centroids, sizes 10, 11, ….
    static func clusters(ids: [String], centroids: [[Float]]) -> [Cluster] {
        zip(ids, centroids).enumerated().map { index, pair in
            Cluster(
                runID: .string("run"),
                stableID: pair.0,
                name: "topic \(pair.0)",
                description: "",
                size: 10 + index,
                topConcepts: [],
                representativeConversationIDs: [],
                centroid: pair.1
            )
        }
    }

    /// A model of `baseCount` base clusters under `parentCount` parents under one root, with names, concepts,
    /// messages, history and lineage; `hostileFirst` names the first base cluster with markup and quotes.
    static func model(baseCount: Int, parentCount: Int, hostileFirst: Bool = false) -> ReportModel {
        var generator = SeededGenerator(seed: 7)
        var clusters: [ReportCluster] = [
            ReportCluster(stableID: "root", name: "All topics", level: 2, size: 0, history: [nil, nil, 0])
        ]
        for parent in 0..<parentCount {
            clusters.append(
                ReportCluster(
                    stableID: "p\(parent)",
                    name: "Parent topic \(parent)",
                    level: 1,
                    parent: "root",
                    size: 0,
                    history: [nil, 0, 0],
                    lineage: "continued"
                )
            )
        }
        var total = 0
        for index in 0..<baseCount {
            let parent = index % max(1, parentCount)
            let size = 1 + Int(generator.next() % 400)
            total += size
            let angle = Double(parent) / Double(max(1, parentCount)) * 2 * Double.pi
            let name =
                hostileFirst && index == 0
                ? "<script>alert(\"x\")</script> 'quoted' & <b>bold</b>"
                : "billing topic \(index) refund invoice"
            clusters.append(
                ReportCluster(
                    stableID: "b\(index)",
                    name: name,
                    description: "Conversations about item \(index) <i>and</i> more",
                    level: 0,
                    parent: parentCount > 0 ? "p\(parent)" : nil,
                    size: size,
                    previousSize: index % 5 == 0 ? nil : max(1, size + Int(generator.next() % 60) - 30),
                    topConcepts: ["refund", "invoice <x>", "card \(index)"],
                    messages: ["I was charged twice for order \(index) </script><script>alert(1)</script>"],
                    x: cos(angle) * 10 + Double(generator.next() % 1000) / 200,
                    y: sin(angle) * 10 + Double(generator.next() % 1000) / 200,
                    history: [index % 3 == 0 ? nil : size / 2, size - 3, size],
                    lineage: ["born", "continued", "split", "merged"][index % 4],
                    previousStableIDs: index % 4 >= 2 ? ["old\(index)", "old\(index + 1)"] : []
                )
            )
        }
        for index in clusters.indices where clusters[index].level > 0 {
            let id = clusters[index].stableID
            clusters[index].size = clusters.filter { $0.parent == id && $0.level == clusters[index].level - 1 }
                .reduce(0) { $0 + $1.size }
        }
        clusters[0].size = total
        let run = ReportRun(
            id: "65f000000000000000000001",
            createdAt: Date(timeIntervalSince1970: 1_700_000_000),
            totalConversations: total,
            totalMessages: total * 3,
            embedder: "all-MiniLM-L6-v2",
            kRule: "silhouette:2-12",
            k: baseCount,
            llm: "claude-test <model>",
            silhouette: 0.21,
            inertia: 123.4,
            churn: 0.05,
            adjustedRandIndex: 0.9,
            levelSizes: [baseCount, parentCount, 1]
        )
        return ReportModel(
            run: run,
            previousRunID: "65f000000000000000000000",
            historyRunIDs: ["r1", "r2", run.id],
            includesText: true,
            clusters: clusters
        )
    }
}
