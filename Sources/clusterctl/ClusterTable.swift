import ClusterdCore
import Foundation

/// Renders a run's clusters.
enum ClusterTable {
    /// The run's header and its clusters as a tree (top level first, each parent followed by its children indented
    /// two spaces per level), or only the clusters at `level` when given.
    static func render(_ listing: ClusterListing, level: Int? = nil) -> String {
        let levels = (listing.clusters.map(\.level).max() ?? 0) + 1
        var lines = [
            "run \(listing.run.id) (\(listing.run.status)): \(listing.clusters.count) clusters"
                + (levels > 1 ? " in \(levels) levels" : "") + ", \(listing.run.totalConversations) conversations"
        ]
        if let metrics = listing.run.metrics {
            lines.append("  \(metrics.silhouetteText); \(metrics.sizesText); \(metrics.levelsText)")
            lines.append("  vs previous run: \(metrics.stabilityText)")
            lines.append("  lineage: \(listing.run.lineageText)")
        }
        let header = ["STABLE ID", "LEVEL", "SIZE", "NAME", "LINEAGE", "TOP CONCEPTS"]
        var rows = [header]
        let shown = level.map { wanted in listing.clusters.filter { $0.level == wanted }.map { ($0, 0) } }
        for (cluster, depth) in shown ?? tree(listing.clusters) {
            rows.append([
                String(repeating: "  ", count: depth) + cluster.stableID, "\(cluster.level)", "\(cluster.size)",
                cluster.name, lineageText(cluster.lineage),
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

    /// The clusters depth first from the roots (those without a parent in the listing), largest first among
    /// siblings, each with its depth below its root.
    static func tree(_ clusters: [ClusterSummary]) -> [(ClusterSummary, Int)] {
        let present = Set(clusters.map(\.stableID))
        var children: [String: [ClusterSummary]] = [:]
        var roots: [ClusterSummary] = []
        for cluster in clusters {
            if let parent = cluster.parent, present.contains(parent), parent != cluster.stableID {
                children[parent, default: []].append(cluster)
            } else {
                roots.append(cluster)
            }
        }
        let order: (ClusterSummary, ClusterSummary) -> Bool = { lhs, rhs in
            if lhs.level != rhs.level { return lhs.level > rhs.level }
            return lhs.size != rhs.size ? lhs.size > rhs.size : lhs.stableID < rhs.stableID
        }
        var rows: [(ClusterSummary, Int)] = []
        var visited: Set<String> = []
        func visit(_ cluster: ClusterSummary, _ depth: Int) {
            guard visited.insert(cluster.stableID).inserted else { return }
            rows.append((cluster, depth))
            for child in (children[cluster.stableID] ?? []).sorted(by: order) { visit(child, depth + 1) }
        }
        for root in roots.sorted(by: order) { visit(root, 0) }
        return rows
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

    /// The listing as JSON: the run and every cluster (or those at `level`) with its `level` and `parent`.
    static func json(_ listing: ClusterListing, level: Int? = nil) -> String {
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
            "clusters": listing.clusters.filter { level == nil || $0.level == level }.map { cluster in
                [
                    "stable_id": cluster.stableID, "name": cluster.name, "description": cluster.description,
                    "level": cluster.level, "parent": cluster.parent.map { $0 as Any } ?? NSNull(),
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
