import Foundation
import Testing

@testable import ClusterdCore

@Suite struct RunMetricsDisplayTests {
    static let metrics = RunMetrics(
        silhouette: 0.3123,
        inertia: 10,
        sizes: [120, 98, 60, 22],
        k: 4,
        churn: 0.015,
        adjustedRandIndex: 0.96249,
        comparedConversations: 380
    )

    static func run(metrics: RunMetrics?, lineage: [LineageEvent] = []) -> RunSummary {
        RunSummary(
            id: "65a1b2c3d4e5f6a7b8c9d0e1",
            status: "succeeded",
            createdAt: Date(timeIntervalSince1970: 1_736_544_600),
            finishedAt: Date(timeIntervalSince1970: 1_736_544_601),
            triggerReason: "forced",
            totalConversations: 300,
            totalMessages: 900,
            clustersCreated: 4,
            durationMs: 1000,
            error: "",
            metrics: metrics,
            lineage: lineage
        )
    }

    @Test func texts() {
        #expect(Self.metrics.silhouetteText == "silhouette 0.312 (k 4)")
        #expect(Self.metrics.sizesText == "4 clusters: 120 98 60 22 (min 22, median 79, max 120)")
        #expect(Self.metrics.stabilityText == "churn 1.5%, ARI 0.962 (380 conversations compared)")
        let first = RunMetrics(silhouette: nil, inertia: 0, sizes: [3, 2, 2], k: 1)
        #expect(first.silhouetteText == "silhouette n/a (k 1)")
        #expect(first.sizesText == "3 clusters: 3 2 2 (min 2, median 2, max 3)")
        #expect(first.stabilityText == "no previous run to compare with")
        let many = RunMetrics(silhouette: 0.1, inertia: 0, sizes: Array((1...14).reversed()), k: 14)
        #expect(many.sizesText.hasPrefix("14 clusters: 14 13 12 11 10 9 8 7 6 5 4 3 … (min 1, median 7.5, max 14)"))
    }

    @Test func lineageCountsAndQualityLine() {
        let run = Self.run(
            metrics: Self.metrics,
            lineage: [
                LineageEvent(kind: .continued, stableIDs: ["a"], previousStableIDs: ["a"]),
                LineageEvent(kind: .continued, stableIDs: ["b"], previousStableIDs: ["b"]),
                LineageEvent(kind: .born, stableIDs: ["c"], previousStableIDs: []),
                LineageEvent(kind: .split, stableIDs: ["b", "c"], previousStableIDs: ["b"]),
                LineageEvent(kind: .retired, stableIDs: [], previousStableIDs: ["d"]),
            ]
        )
        #expect(run.lineageText == "2 continued, 1 born, 1 split, 1 retired")
        #expect(Self.run(metrics: Self.metrics).lineageText == "none")
        #expect(
            run.qualityLine
                == "Clustering run 65a1b2c3d4e5f6a7b8c9d0e1 quality: silhouette 0.312 (k 4); "
                + "4 clusters: 120 98 60 22 (min 22, median 79, max 120); "
                + "churn 1.5%, ARI 0.962 (380 conversations compared); "
                + "lineage 2 continued, 1 born, 1 split, 1 retired"
        )
        #expect(Self.run(metrics: nil).qualityLine.hasSuffix("no metrics"))
    }

    @Test func statusJSONKeepsTheSeedKeysAndAddsMetricsInsideTheRun() throws {
        var status = ServiceStatus()
        status.latestClusteringRun = Self.run(metrics: Self.metrics)
        status.kRule = "silhouette:2-12"
        status.minClusterSize = 3
        let parsed = try JSONSerialization.jsonObject(with: Data(status.jsonString().utf8))
        let object = try #require(parsed as? [String: Any])
        #expect(
            Set(object.keys) == [
                "enabled", "clustering_in_progress", "unprocessed_messages", "minutes_since_last_clustering",
                "should_trigger_clustering", "trigger_reason", "configuration", "latest_clustering_run", "operator",
            ]
        )
        let run = try #require(object["latest_clustering_run"] as? [String: Any])
        for key in ["id", "status", "created_at", "finished_at", "trigger_reason", "total_conversations"] {
            #expect(run[key] != nil, "\(key)")
        }
        let metrics = try #require(run["metrics"] as? [String: Any])
        #expect(metrics["silhouette"] as? Double == 0.3123)
        #expect(metrics["churn"] as? Double == 0.015)
        #expect(metrics["adjusted_rand_index"] as? Double == 0.96249)
        #expect(metrics["sizes"] as? [Int] == [120, 98, 60, 22])
        #expect(metrics["size_median"] as? Double == 79)
        #expect(metrics["compared_conversations"] as? Int == 380)
        let lineage = try #require(run["lineage_counts"] as? [String: Int])
        #expect(lineage == ["born": 0, "continued": 0, "split": 0, "merged": 0, "retired": 0])
        let operatorSection = try #require(object["operator"] as? [String: Any])
        #expect(operatorSection["k_rule"] as? String == "silhouette:2-12")
        #expect(operatorSection["min_cluster_size"] as? Int == 3)

        status.latestClusteringRun = Self.run(metrics: RunMetrics(silhouette: nil, inertia: 0, sizes: [2], k: 1))
        let again = try #require(
            try JSONSerialization.jsonObject(with: Data(status.jsonString().utf8)) as? [String: Any]
        )
        let undefined = try #require((again["latest_clustering_run"] as? [String: Any])?["metrics"] as? [String: Any])
        #expect(undefined["silhouette"] is NSNull)
        #expect(undefined["churn"] is NSNull)
    }
}
