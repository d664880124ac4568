import ClusterdCore
import ClusterdWire
import Foundation

/// GetTopicHistoryRequest and GetTopicHistoryReply with its TopicHistoryEntries.
enum GetTopicHistoryCodec {
    /// Fills a GetTopicHistory request.
    static func fill(_ frame: inout Clusterd__V1__Frame, stableID: String, level: UInt32?, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_GET_TOPIC_HISTORY
        let out = arena.message(clusterd__v1__get_topic_history_request__init)
        out.pointee.stable_id = arena.string(stableID)
        out.pointee.has_level = level == nil ? 0 : 1
        out.pointee.level = level ?? 0
        frame.get_topic_history = out
    }

    /// Fills a GetTopicHistoryReply.
    static func fill(_ frame: inout Clusterd__V1__Frame, history: TopicHistory, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_GET_TOPIC_HISTORY_REPLY
        let reply = arena.message(clusterd__v1__get_topic_history_reply__init)
        reply.pointee.stable_id = arena.string(history.stableID)
        reply.pointee.n_entries = history.entries.count
        reply.pointee.entries = arena.array(history.entries) { entry in
            let out = arena.message(clusterd__v1__topic_history_entry__init)
            out.pointee.run_id = arena.string(entry.runID)
            out.pointee.created_at_ms = WireText.milliseconds(entry.createdAt)
            out.pointee.present = entry.present ? 1 : 0
            out.pointee.name = arena.string(entry.name)
            out.pointee.size = UInt64(max(0, entry.size))
            out.pointee.level = UInt32(clamping: max(0, entry.level))
            out.pointee.parent = arena.string(entry.parent ?? "")
            out.pointee.n_events = entry.events.count
            out.pointee.events = arena.array(entry.events) { Optional(RunSummaryCodec.lineage($0, arena: arena)) }
            return Optional(out)
        }
        frame.get_topic_history_reply = reply
    }

    /// The GetTopicHistory request of an unpacked frame.
    static func request(_ frame: Clusterd__V1__Frame) -> RPCRequest {
        let request = frame.get_topic_history.pointee
        return .getTopicHistory(
            stableID: WireText.text(request.stable_id),
            level: request.has_level != 0 ? request.level : nil
        )
    }

    /// The GetTopicHistoryReply of an unpacked frame.
    static func reply(_ frame: Clusterd__V1__Frame) -> RPCReply {
        let reply = frame.get_topic_history_reply.pointee
        let entries = (0..<reply.n_entries).compactMap { index in
            reply.entries[index].map { pointer in
                let entry = pointer.pointee
                let parent = WireText.text(entry.parent)
                return TopicHistoryEntry(
                    runID: WireText.text(entry.run_id),
                    createdAt: WireText.date(milliseconds: entry.created_at_ms) ?? .distantPast,
                    present: entry.present != 0,
                    name: WireText.text(entry.name),
                    size: Int(clamping: entry.size),
                    level: Int(entry.level),
                    parent: parent.isEmpty ? nil : parent,
                    events: (0..<entry.n_events).compactMap { index in
                        entry.events[index].flatMap { RunSummaryCodec.lineage($0.pointee) }
                    }
                )
            }
        }
        return .getTopicHistory(TopicHistory(stableID: WireText.text(reply.stable_id), entries: entries))
    }
}
