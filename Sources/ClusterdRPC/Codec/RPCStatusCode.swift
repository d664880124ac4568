/// Wire status codes, numbered as gRPC's (proto `clusterd.v1.Code`).
public enum RPCStatusCode: Int, Sendable, Equatable, CustomStringConvertible {
    /// Success; never sent in an Error.
    case ok = 0
    /// Malformed request.
    case invalidArgument = 3
    /// Unknown id.
    case notFound = 5
    /// Queue full, or frame too large.
    case resourceExhausted = 8
    /// Valid call in the wrong state.
    case failedPrecondition = 9
    /// Unknown body kind.
    case unimplemented = 12
    /// Server-side failure.
    case `internal` = 13
    /// A dependency is down, or the server is stopping.
    case unavailable = 14
    /// Missing or wrong token.
    case unauthenticated = 16

    /// The proto enum name, e.g. "RESOURCE_EXHAUSTED".
    public var description: String {
        switch self {
        case .ok: return "OK"
        case .invalidArgument: return "INVALID_ARGUMENT"
        case .notFound: return "NOT_FOUND"
        case .resourceExhausted: return "RESOURCE_EXHAUSTED"
        case .failedPrecondition: return "FAILED_PRECONDITION"
        case .unimplemented: return "UNIMPLEMENTED"
        case .internal: return "INTERNAL"
        case .unavailable: return "UNAVAILABLE"
        case .unauthenticated: return "UNAUTHENTICATED"
        }
    }
}
