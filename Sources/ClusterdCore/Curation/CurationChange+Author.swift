extension CurationChange {
    /// The name a change is logged under, the same for every transport: "token" when the caller passed the
    /// server's token check (the server has one token, which carries no name of its own), "local" when the server
    /// has no token; with the client's name in brackets when there is one (at most 64 characters): the RPC Hello's
    /// client name, "http" for the HTTP gateway.
    public static func author(authenticated: Bool, client: String) -> String {
        let base = authenticated ? "token" : "local"
        let client = String(client.prefix(64))
        return client.isEmpty ? base : "\(base) (\(client))"
    }
}
