/// Where a server's TLS material is: its certificate chain and key (PEM files), and, for client certificates, the
/// CA that must have signed them. The files are read when the server starts and again on every reload (SIGHUP).
public struct ServerTLSConfiguration: Sendable, Equatable {
    /// The server's certificate chain, PEM (leaf first).
    public var certificateFile: String
    /// The server's private key, PEM.
    public var keyFile: String
    /// When set, every client must present a certificate signed by a CA in this PEM file.
    public var clientCAFile: String?

    /// Creates a configuration.
    public init(certificateFile: String, keyFile: String, clientCAFile: String? = nil) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.clientCAFile = clientCAFile
    }
}
