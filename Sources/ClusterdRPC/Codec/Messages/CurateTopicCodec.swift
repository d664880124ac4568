import ClusterdCore
import ClusterdWire
import Foundation

/// CurateTopicRequest and CurateTopicReply, and the CurationChange both curation calls carry.
enum CurateTopicCodec {
    /// Fills a CurateTopic request.
    static func fill(_ frame: inout Clusterd__V1__Frame, request: CurationRequest, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_CURATE_TOPIC
        let out = arena.message(clusterd__v1__curate_topic_request__init)
        out.pointee.action = arena.string(request.action.rawValue)
        out.pointee.stable_id = arena.string(request.stableID)
        out.pointee.name = arena.string(request.name)
        out.pointee.description = arena.string(request.description)
        out.pointee.into_stable_id = arena.string(request.intoStableID)
        frame.curate_topic = out
    }

    /// Fills a CurateTopicReply.
    static func fill(_ frame: inout Clusterd__V1__Frame, outcome: CurationOutcome, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_CURATE_TOPIC_REPLY
        let reply = arena.message(clusterd__v1__curate_topic_reply__init)
        reply.pointee.change = change(outcome.change, arena: arena)
        reply.pointee.message = arena.string(outcome.message)
        frame.curate_topic_reply = reply
    }

    /// The CurateTopic request of an unpacked frame; a request whose action is not a `CurationAction` (a client's
    /// typo, or a newer client) is refused with INVALID_ARGUMENT.
    static func request(_ frame: Clusterd__V1__Frame) -> RPCMessage {
        let request = frame.curate_topic.pointee
        let actionName = WireText.text(request.action)
        guard let action = CurationAction(rawValue: actionName) else {
            let known = CurationAction.allCases.map(\.rawValue).joined(separator: ", ")
            return .invalidRequest(
                RPCError(
                    code: .invalidArgument,
                    message:
                        "unknown curation action \"\(PrintableText.escaped(String(actionName.prefix(64))))\" (one of \(known))"
                )
            )
        }
        return .request(
            .curateTopic(
                CurationRequest(
                    action: action,
                    stableID: WireText.text(request.stable_id),
                    name: WireText.text(request.name),
                    description: WireText.text(request.description),
                    intoStableID: WireText.text(request.into_stable_id)
                )
            )
        )
    }

    /// The CurateTopicReply of an unpacked frame.
    static func reply(_ frame: Clusterd__V1__Frame) -> RPCReply {
        let reply = frame.curate_topic_reply.pointee
        let logged =
            reply.change.flatMap { change($0.pointee) }
            ?? CurationChange(action: .rename, stableID: "", by: "", at: .distantPast)
        return .curateTopic(CurationOutcome(change: logged, message: WireText.text(reply.message)))
    }

    /// A change as its message.
    static func change(_ change: CurationChange, arena: CArena) -> UnsafeMutablePointer<Clusterd__V1__CurationChange> {
        let out = arena.message(clusterd__v1__curation_change__init)
        out.pointee.action = arena.string(change.action.rawValue)
        out.pointee.stable_id = arena.string(change.stableID)
        out.pointee.name = arena.string(change.name)
        out.pointee.description = arena.string(change.description)
        out.pointee.into_stable_id = arena.string(change.intoStableID)
        out.pointee.previous_name = arena.string(change.previousName)
        out.pointee.by = arena.string(change.by)
        out.pointee.at_ms = WireText.milliseconds(change.at)
        return out
    }

    /// A change message as a value; nil when its action is unknown (a newer server).
    static func change(_ change: Clusterd__V1__CurationChange) -> CurationChange? {
        guard let action = CurationAction(rawValue: WireText.text(change.action)) else { return nil }
        return CurationChange(
            action: action,
            stableID: WireText.text(change.stable_id),
            name: WireText.text(change.name),
            description: WireText.text(change.description),
            intoStableID: WireText.text(change.into_stable_id),
            previousName: WireText.text(change.previous_name),
            by: WireText.text(change.by),
            at: WireText.date(milliseconds: change.at_ms) ?? .distantPast
        )
    }
}
