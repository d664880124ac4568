/// The `oneof body` of a frame: a request, a reply, or a kind this version does not know.
public enum RPCMessage: Sendable, Equatable {
    /// A request kind (sent by clients).
    case request(RPCRequest)
    /// A reply kind (sent by the server).
    case reply(RPCReply)
    /// A body this version does not know (a newer peer), or none; a server answers it with UNIMPLEMENTED.
    case unknown
    /// A TriggerAnalysisBatch with more items than a batch may hold, refused before its items were unpacked; a
    /// server answers it with INVALID_ARGUMENT.
    case oversizedBatch(items: Int)
    /// A request of a known kind whose fields this version cannot accept (a CurateTopic with an unknown action),
    /// refused while decoding; a server answers it with the error.
    case invalidRequest(RPCError)
}
