import ClusterdCore
import Foundation

/// Renders the curation log (ListCuration) and a topic's history (GetTopicHistory) as lines or JSON.
enum CurationView {
    /// The curated topics, then one line per change, newest first. Server text is escaped for the terminal.
    static func render(_ log: CurationLog) -> String {
        var lines = ["curated topics: \(log.topics.count)"]
        for topic in log.topics {
            var parts: [String] = []
            if let name = topic.name { parts.append("name \"\(PrintableText.escaped(name))\"") }
            if let into = topic.mergedInto { parts.append("merged into \(PrintableText.escaped(into))") }
            lines.append("  \(PrintableText.escaped(topic.stableID))  \(parts.joined(separator: ", "))")
        }
        lines.append("changes: \(log.changes.count)")
        for change in log.changes {
            lines.append(
                "  \(ServiceStatus.isoText(change.at))  \(PrintableText.escaped(change.by))  \(describe(change))"
            )
        }
        return lines.joined(separator: "\n")
    }

    /// A change in words.
    static func describe(_ change: CurationChange) -> String {
        let id = PrintableText.escaped(change.stableID)
        let was = change.previousName.isEmpty ? "" : " (was \"\(PrintableText.escaped(change.previousName))\")"
        switch change.action {
        case .rename: return "rename \(id) to \"\(PrintableText.escaped(change.name))\"\(was)"
        case .pin: return "pin \(id) as \"\(PrintableText.escaped(change.name))\""
        case .unpin: return "unpin \(id)\(was)"
        case .merge: return "merge \(id)\(was) into \(PrintableText.escaped(change.intoStableID))"
        }
    }

    /// `topic log --json`: the log's `jsonObject` (the gateway serves the same object).
    static func json(_ log: CurationLog) -> String {
        encode(log.jsonObject)
    }

    /// `clusters --history`: one line per retained successful run, newest first: run, start, size, name, events.
    static func render(history stableID: String, _ entries: [TopicHistoryEntry]) -> String {
        var lines = ["topic \(PrintableText.escaped(stableID)) over \(entries.count) run(s), newest first"]
        for entry in entries {
            let events = entry.events.map(event).joined(separator: "; ")
            let body =
                entry.present
                ? "size \(entry.size)  level \(entry.level)  \"\(PrintableText.escaped(entry.name))\"" : "absent"
            lines.append(
                "  \(PrintableText.escaped(entry.runID))  \(ServiceStatus.isoText(entry.createdAt))  \(body)"
                    + (events.isEmpty ? "" : "  [\(events)]")
            )
        }
        return lines.joined(separator: "\n")
    }

    /// `clusters --history --json`: stable_id and runs [{run_id, created_at, present, name, size, level, parent,
    /// events [{kind, stable_ids, previous_stable_ids, renamed}]}].
    static func json(history stableID: String, _ entries: [TopicHistoryEntry]) -> String {
        let runs = entries.map { entry in
            [
                "run_id": entry.runID, "created_at": ServiceStatus.isoText(entry.createdAt), "present": entry.present,
                "name": entry.name, "size": entry.size, "level": entry.level,
                "parent": entry.parent.map { $0 as Any } ?? NSNull(),
                "events": entry.events.map { event in
                    [
                        "kind": event.kind.rawValue, "stable_ids": event.stableIDs,
                        "previous_stable_ids": event.previousStableIDs, "renamed": event.renamed,
                    ] as [String: Any]
                },
            ] as [String: Any]
        }
        return encode(["stable_id": stableID, "runs": runs])
    }

    /// A lineage event in words: "split c-1 → c-2, c-3".
    private static func event(_ event: LineageEvent) -> String {
        let before = event.previousStableIDs.map(PrintableText.escaped).joined(separator: ", ")
        let after = event.stableIDs.map(PrintableText.escaped).joined(separator: ", ")
        switch (before.isEmpty, after.isEmpty) {
        case (true, _): return "\(event.kind.rawValue) \(after)"
        case (false, true): return "\(event.kind.rawValue) \(before)"
        case (false, false): return "\(event.kind.rawValue) \(before) → \(after)"
        }
    }

    /// Pretty JSON with sorted keys, characters a terminal would act on escaped.
    private static func encode(_ object: [String: Any]) -> String {
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return PrintableText.escapedJSON(String(decoding: data, as: UTF8.self))
    }
}
