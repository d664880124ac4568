import ClusterdCore
import Foundation

/// Renders where a conversation sits (GetConversationCluster) as lines or JSON.
enum PlacementView {
    /// The conversation, its run, whether the placement is provisional, its distance, a "top > … > base"
    /// breadcrumb, then one line per cluster, the base first. Server text is escaped for the terminal.
    static func render(_ placement: ConversationPlacement, terminal: Terminal) -> String {
        let kind =
            placement.provisional
            ? terminal.paint("provisional", .yellow)
                + (placement.assignedAt.map { " (placed \(ServiceStatus.isoText($0)))" } ?? "")
            : "assigned by the run"
        var lines = [
            "conversation \(PrintableText.escaped(placement.conversationID)): "
                + "run \(PrintableText.escaped(placement.runID)), \(kind)",
            "distance \(String(format: "%.4f", placement.distance))",
            "cluster  \(terminal.paint(breadcrumb(placement.path), .bold))",
        ]
        for entry in placement.path {
            lines.append(
                "  level \(entry.level)  \(PrintableText.escaped(entry.stableID))  \(label(entry))  "
                    + "(\(entry.size) conversations)"
            )
        }
        return lines.joined(separator: "\n")
    }

    /// The path from the top cluster down to the base one, "Billing > Refunds"; "-" for an empty path.
    static func breadcrumb(_ path: [ClusterPathEntry]) -> String {
        path.isEmpty ? "-" : path.reversed().map(label).joined(separator: " > ")
    }

    /// A cluster's escaped name, or its stable id when it has no name.
    private static func label(_ entry: ClusterPathEntry) -> String {
        PrintableText.escaped(entry.name.isEmpty ? entry.stableID : entry.name)
    }

    /// `conversation --json`: the placement's `jsonObject` (the gateway serves the same object), conversation_id,
    /// run_id, provisional, distance, assigned_at (ISO 8601 or null), path [{stable_id, name, level, size}], with
    /// characters a terminal would act on as `\u` escapes.
    static func json(_ placement: ConversationPlacement) -> String {
        let data =
            (try? JSONSerialization.data(
                withJSONObject: placement.jsonObject,
                options: [.prettyPrinted, .sortedKeys]
            )) ?? Data()
        return PrintableText.escapedJSON(String(decoding: data, as: UTF8.self))
    }
}
