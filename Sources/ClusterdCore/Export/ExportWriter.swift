import Foundation

/// Turns a run's clusters and assignment rows into export lines, CSV or JSON Lines (pure; `clusterctl export`
/// writes the lines as pages arrive).
///
/// Assignment rows carry the stable id of every level, from the base cluster up its parents (`stable_id_l0`,
/// `stable_id_l1`, …, as many columns as the run has levels; JSON: `stable_ids`). Cluster rows carry the stable id,
/// level, parent, name, description, size and top concepts (CSV: joined with "; ").
public struct ExportWriter: Sendable {
    /// The format written.
    public let format: ExportFormat
    /// The run exported.
    public let runID: String
    /// The run's levels (1 + the top level).
    public let levelCount: Int
    private let parents: [String: String]

    /// A writer for a run's export, given its clusters (for the paths up the hierarchy).
    public init(format: ExportFormat, runID: String, clusters: [ClusterSummary]) {
        self.format = format
        self.runID = runID
        self.levelCount = (clusters.map(\.level).max() ?? 0) + 1
        var parents: [String: String] = [:]
        for cluster in clusters { if let parent = cluster.parent { parents[cluster.stableID] = parent } }
        self.parents = parents
    }

    /// The stable ids from `stableID` up its parents, at most `levelCount` of them.
    public func path(of stableID: String) -> [String] {
        var path = [stableID]
        var seen: Set<String> = [stableID]
        while path.count < levelCount, let parent = parents[path[path.count - 1]], seen.insert(parent).inserted {
            path.append(parent)
        }
        return path
    }

    /// The header line of an assignments export (nil for JSON Lines).
    public var assignmentsHeader: String? {
        guard format == .csv else { return nil }
        let levels = (0..<levelCount).map { "stable_id_l\($0)" }
        return Self.csvLine(["conversation_id", "run_id", "provisional", "distance", "assigned_at"] + levels)
    }

    /// The header line of a clusters export (nil for JSON Lines).
    public var clustersHeader: String? {
        guard format == .csv else { return nil }
        return Self.csvLine(["stable_id", "level", "parent", "name", "description", "size", "top_concepts"])
    }

    /// One assignment row as a line.
    public func line(_ row: ExportedAssignment) -> String {
        let path = path(of: row.stableID)
        let assignedAt = row.assignedAt.map(ServiceStatus.isoText)
        switch format {
        case .csv:
            let levels = (0..<levelCount).map { $0 < path.count ? path[$0] : "" }
            return Self.csvLine(
                [
                    row.conversationID, runID, row.provisional ? "true" : "false", Self.number(row.distance),
                    assignedAt ?? "",
                ]
                    + levels
            )
        case .jsonl:
            return Self.json([
                "record": "assignment", "conversation_id": row.conversationID, "run_id": runID,
                "provisional": row.provisional, "distance": row.distance.isFinite ? row.distance as Any : NSNull(),
                "assigned_at": assignedAt.map { $0 as Any } ?? NSNull(), "stable_ids": path,
            ])
        }
    }

    /// One cluster as a line.
    public func line(_ cluster: ClusterSummary) -> String {
        switch format {
        case .csv:
            return Self.csvLine([
                cluster.stableID, String(cluster.level), cluster.parent ?? "", cluster.name, cluster.description,
                String(cluster.size), cluster.topConcepts.joined(separator: "; "),
            ])
        case .jsonl:
            return Self.json([
                "record": "cluster", "run_id": runID, "stable_id": cluster.stableID, "level": cluster.level,
                "parent": cluster.parent.map { $0 as Any } ?? NSNull(), "name": cluster.name,
                "description": cluster.description, "size": cluster.size, "top_concepts": cluster.topConcepts,
            ])
        }
    }

    /// Fields joined by commas, each quoted when it holds a comma, a double quote or a line break (quotes doubled).
    public static func csvLine(_ fields: [String]) -> String {
        fields.map(csvField).joined(separator: ",")
    }

    /// One CSV field, quoted when it must be.
    public static func csvField(_ field: String) -> String {
        guard field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
            return field
        }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A distance as text ("" when not finite).
    private static func number(_ value: Double) -> String {
        value.isFinite ? String(value) : ""
    }

    /// One JSON object on one line, keys sorted.
    private static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
