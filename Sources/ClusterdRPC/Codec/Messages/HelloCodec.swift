import ClusterdWire

/// Hello and HelloReply.
enum HelloCodec {
    /// Fills a Hello request.
    static func fill(
        _ frame: inout Clusterd__V1__Frame,
        protocolVersion: UInt32,
        clientName: String,
        token: String,
        arena: CArena
    ) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_HELLO
        frame.hello = arena.message(clusterd__v1__hello__init)
        frame.hello.pointee.protocol_version = protocolVersion
        frame.hello.pointee.client_name = arena.string(clientName)
        frame.hello.pointee.token = arena.string(token)
    }

    /// Fills a HelloReply.
    static func fill(
        _ frame: inout Clusterd__V1__Frame,
        protocolVersion: UInt32,
        serverVersion: String,
        maxFrameBytes: UInt32,
        arena: CArena
    ) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_HELLO_REPLY
        frame.hello_reply = arena.message(clusterd__v1__hello_reply__init)
        frame.hello_reply.pointee.protocol_version = protocolVersion
        frame.hello_reply.pointee.server_version = arena.string(serverVersion)
        frame.hello_reply.pointee.max_frame_bytes = maxFrameBytes
    }

    /// The Hello of an unpacked frame.
    static func request(_ frame: Clusterd__V1__Frame) -> RPCRequest {
        let hello = frame.hello.pointee
        return .hello(
            protocolVersion: hello.protocol_version,
            clientName: WireText.text(hello.client_name),
            token: WireText.text(hello.token)
        )
    }

    /// The HelloReply of an unpacked frame.
    static func reply(_ frame: Clusterd__V1__Frame) -> RPCReply {
        let reply = frame.hello_reply.pointee
        return .hello(
            protocolVersion: reply.protocol_version,
            serverVersion: WireText.text(reply.server_version),
            maxFrameBytes: reply.max_frame_bytes
        )
    }
}
