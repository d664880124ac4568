import ClusterdCore
import ClusterdWire

/// GetStatusRequest and GetStatusReply (the status itself is mapped by `StatusMapping`).
enum GetStatusCodec {
    /// Fills a GetStatus request.
    static func fillRequest(_ frame: inout Clusterd__V1__Frame, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_GET_STATUS
        frame.get_status = arena.message(clusterd__v1__get_status_request__init)
    }

    /// Fills a GetStatusReply.
    static func fill(_ frame: inout Clusterd__V1__Frame, status: ServiceStatus, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_GET_STATUS_REPLY
        frame.get_status_reply = arena.message(clusterd__v1__get_status_reply__init)
        frame.get_status_reply.pointee.status = StatusMapping.message(status, arena: arena)
    }

    /// The GetStatusReply of an unpacked frame.
    static func reply(_ frame: Clusterd__V1__Frame) -> RPCReply {
        .getStatus(StatusMapping.status(frame.get_status_reply.pointee.status))
    }
}
