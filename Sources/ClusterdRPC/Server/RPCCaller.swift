import ClusterdCore

/// Who is calling on a connection, as far as the server knows: whether the connection authenticated with the
/// server's token, and the client name its Hello gave.
public struct RPCCaller: Sendable, Equatable {
    /// The connection passed the server's token check (false when the server has no token).
    public var authenticated: Bool
    /// The client name from the Hello; empty without one.
    public var clientName: String

    /// Creates a caller.
    public init(authenticated: Bool, clientName: String = "") {
        self.authenticated = authenticated
        self.clientName = clientName
    }

    /// A caller on a server without a token.
    public static let local = RPCCaller(authenticated: false)

    /// The name a change is logged under: "token" (the server has one token, which carries no name of its own) or
    /// "local" (no token), with the client's name in brackets when its Hello gave one.
    public var who: String { CurationChange.author(authenticated: authenticated, client: clientName) }
}
