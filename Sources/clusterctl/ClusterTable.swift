import ClusterdCore
import Foundation

/// Renders a run's clusters.
enum ClusterTable {
    static func render(_ listing: ClusterListing) -> String {
        var lines = [
            "run \(listing.run.id) (\(listing.run.status)): \(listing.clusters.count) clusters, "
                + "\(listing.run.totalConversations) conversations"
        ]
        if let metrics = listing.run.metrics {
            lines.append("  \(metrics.silhouetteText); \(metrics.sizesText)")
            lines.append("  vs previous run: \(metrics.stabilityText)")
            lines.append("  lineage: \(listing.run.lineageText)")
        }
        let header = ["STABLE ID", "SIZE", "NAME", "LINEAGE", "TOP CONCEPTS"]
        var rows = [header]
        for cluster in listing.clusters {
            rows.append([
                cluster.stableID, "\(cluster.size)", cluster.name, lineageText(cluster.lineage),
                cluster.topConcepts.prefix(5).joined(separator: ", "),
            ])
        }
        let padded = header.count - 1
        let widths = (0..<padded).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            let cells = (0..<padded).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
            lines.append((cells + [row[padded]]).joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }

    /// "continued", "continued, renamed", "split from c-…", "merged from c-…, c-…", "born".
    static func lineageText(_ lineage: ClusterLineage) -> String {
        var text = lineage.kind.rawValue
        switch lineage.kind {
        case .split, .merged:
            if !lineage.previousStableIDs.isEmpty {
                text += " from " + lineage.previousStableIDs.joined(separator: ", ")
            }
        case .born, .continued, .retired:
            break
        }
        if lineage.renamed { text += ", renamed" }
        return text
    }

    static func json(_ listing: ClusterListing) -> String {
        let object: [String: Any] = [
            "run": [
                "id": listing.run.id, "status": listing.run.status,
                "created_at": ServiceStatus.isoText(listing.run.createdAt),
                "total_conversations": listing.run.totalConversations,
                "clusters_created": listing.run.clustersCreated,
                "metrics": listing.run.metrics.map { $0.jsonObject as Any } ?? NSNull(),
                "lineage": listing.run.lineage.map { event in
                    [
                        "kind": event.kind.rawValue, "stable_ids": event.stableIDs,
                        "previous_stable_ids": event.previousStableIDs, "renamed": event.renamed,
                        "overlap": event.overlap.map { $0 as Any } ?? NSNull(),
                    ] as [String: Any]
                },
            ] as [String: Any],
            "clusters": listing.clusters.map { cluster in
                [
                    "stable_id": cluster.stableID, "name": cluster.name, "description": cluster.description,
                    "size": cluster.size, "top_concepts": cluster.topConcepts,
                    "representative_conversation_ids": cluster.representativeConversationIDs,
                    "lineage": [
                        "kind": cluster.lineage.kind.rawValue,
                        "previous_stable_ids": cluster.lineage.previousStableIDs,
                        "renamed": cluster.lineage.renamed,
                    ] as [String: Any],
                ] as [String: Any]
            },
        ]
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
