import ClusterdCore
import Foundation

/// Renders a run's clusters.
enum ClusterTable {
    static func render(_ listing: ClusterListing) -> String {
        var lines = [
            "run \(listing.run.id) (\(listing.run.status)): \(listing.clusters.count) clusters, "
                + "\(listing.run.totalConversations) conversations"
        ]
        let header = ["STABLE ID", "SIZE", "NAME", "TOP CONCEPTS"]
        var rows = [header]
        for cluster in listing.clusters {
            rows.append([
                cluster.stableID, "\(cluster.size)", cluster.name,
                cluster.topConcepts.prefix(5).joined(separator: ", "),
            ])
        }
        let widths = (0..<3).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            let padded = (0..<3).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
            lines.append((padded + [row[3]]).joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ listing: ClusterListing) -> String {
        let object: [String: Any] = [
            "run": [
                "id": listing.run.id, "status": listing.run.status,
                "created_at": ServiceStatus.isoText(listing.run.createdAt),
                "total_conversations": listing.run.totalConversations,
                "clusters_created": listing.run.clustersCreated,
            ] as [String: Any],
            "clusters": listing.clusters.map { cluster in
                [
                    "stable_id": cluster.stableID, "name": cluster.name, "description": cluster.description,
                    "size": cluster.size, "top_concepts": cluster.topConcepts,
                    "representative_conversation_ids": cluster.representativeConversationIDs,
                ] as [String: Any]
            },
        ]
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
