import ClusterdCore
import ClusterdWire
import Foundation

/// ListCurationRequest and ListCurationReply with its TopicCurations.
enum ListCurationCodec {
    /// Fills a ListCuration request.
    static func fill(_ frame: inout Clusterd__V1__Frame, stableID: String, limit: UInt32, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_LIST_CURATION
        let out = arena.message(clusterd__v1__list_curation_request__init)
        out.pointee.stable_id = arena.string(stableID)
        out.pointee.limit = limit
        frame.list_curation = out
    }

    /// Fills a ListCurationReply.
    static func fill(_ frame: inout Clusterd__V1__Frame, log: CurationLog, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_LIST_CURATION_REPLY
        let reply = arena.message(clusterd__v1__list_curation_reply__init)
        reply.pointee.n_topics = log.topics.count
        reply.pointee.topics = arena.array(log.topics) { topic in
            let out = arena.message(clusterd__v1__topic_curation__init)
            out.pointee.stable_id = arena.string(topic.stableID)
            out.pointee.name = arena.string(topic.name ?? "")
            out.pointee.description = arena.string(topic.description ?? "")
            out.pointee.merged_into = arena.string(topic.mergedInto ?? "")
            out.pointee.updated_by = arena.string(topic.updatedBy)
            out.pointee.updated_at_ms = WireText.milliseconds(topic.updatedAt)
            return Optional(out)
        }
        reply.pointee.n_changes = log.changes.count
        reply.pointee.changes = arena.array(log.changes) { Optional(CurateTopicCodec.change($0, arena: arena)) }
        frame.list_curation_reply = reply
    }

    /// The ListCuration request of an unpacked frame.
    static func request(_ frame: Clusterd__V1__Frame) -> RPCRequest {
        let request = frame.list_curation.pointee
        return .listCuration(stableID: WireText.text(request.stable_id), limit: request.limit)
    }

    /// The ListCurationReply of an unpacked frame.
    static func reply(_ frame: Clusterd__V1__Frame) -> RPCReply {
        let reply = frame.list_curation_reply.pointee
        let topics = (0..<reply.n_topics).compactMap { index in
            reply.topics[index].map { pointer in
                let topic = pointer.pointee
                return TopicCuration(
                    stableID: WireText.text(topic.stable_id),
                    name: optional(WireText.text(topic.name)),
                    description: optional(WireText.text(topic.description)),
                    mergedInto: optional(WireText.text(topic.merged_into)),
                    updatedBy: WireText.text(topic.updated_by),
                    updatedAt: WireText.date(milliseconds: topic.updated_at_ms) ?? .distantPast
                )
            }
        }
        let changes = (0..<reply.n_changes).compactMap { index in
            reply.changes[index].flatMap { CurateTopicCodec.change($0.pointee) }
        }
        return .listCuration(CurationLog(topics: topics, changes: changes))
    }

    /// nil for an empty text.
    private static func optional(_ text: String) -> String? { text.isEmpty ? nil : text }
}
