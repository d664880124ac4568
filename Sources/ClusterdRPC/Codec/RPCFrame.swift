/// One frame: a call id and a body.
public struct RPCFrame: Sendable, Equatable {
    /// Chosen by the client, echoed by the server.
    public var callID: UInt64
    /// The body.
    public var body: RPCMessage

    /// Creates a frame.
    public init(callID: UInt64, body: RPCMessage) {
        self.callID = callID
        self.body = body
    }

    /// Creates a request frame.
    public init(callID: UInt64, request: RPCRequest) {
        self.init(callID: callID, body: .request(request))
    }

    /// Creates a reply frame.
    public init(callID: UInt64, reply: RPCReply) {
        self.init(callID: callID, body: .reply(reply))
    }
}
