import ClusterdWire

/// The Error reply.
enum ErrorCodec {
    /// Fills an Error reply.
    static func fill(_ frame: inout Clusterd__V1__Frame, error: RPCError, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_ERROR
        frame.error = arena.message(clusterd__v1__error__init)
        frame.error.pointee.code = WireText.code(error.code)
        frame.error.pointee.message = arena.string(error.message)
    }

    /// The Error of an unpacked frame (an unknown or zero code is INTERNAL).
    static func reply(_ frame: Clusterd__V1__Frame) -> RPCReply {
        let error = frame.error.pointee
        let code = RPCStatusCode(rawValue: Int(error.code.rawValue)) ?? .internal
        return .error(RPCError(code: code, message: WireText.text(error.message)))
    }
}
