import NIOCore
import NIOSSL

/// How a client speaks TLS to clusterd: the CA that signed the server's certificate (the system's roots when nil),
/// an optional client certificate and key (for a server with `CLUSTERD_TLS_CLIENT_CA_FILE`), and the name to check
/// the server's certificate against (the host connected to when nil; an IP address is checked against the
/// certificate's IP entries).
public struct ClientTLSOptions: Sendable, Equatable {
    /// PEM file of the CA(s) to trust; nil: the system's trust store.
    public var caFile: String?
    /// PEM client certificate chain.
    public var certificateFile: String?
    /// PEM private key of `certificateFile`.
    public var keyFile: String?
    /// The server name to verify (and send as SNI when it is a host name).
    public var serverName: String?

    /// Creates options.
    public init(
        caFile: String? = nil,
        certificateFile: String? = nil,
        keyFile: String? = nil,
        serverName: String? = nil
    ) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.serverName = serverName
    }

    /// The TLS context for these options; unreadable files are INVALID_ARGUMENT naming them.
    func makeContext() throws(RPCError) -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        do {
            if let caFile {
                tls.trustRoots = .certificates(try Self.certificates(caFile, role: "CA file"))
            }
            switch (certificateFile, keyFile) {
            case (nil, nil):
                break
            case (.some(let certificateFile), .some(let keyFile)):
                tls.certificateChain = try Self.certificates(certificateFile, role: "client certificate").map {
                    .certificate($0)
                }
                tls.privateKey = .privateKey(
                    try Self.load(keyFile, role: "client key") {
                        try NIOSSLPrivateKey(file: keyFile, format: .pem)
                    }
                )
            default:
                throw RPCError(code: .invalidArgument, message: "a client certificate needs both its file and its key")
            }
            return try NIOSSLContext(configuration: tls)
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(code: .invalidArgument, message: "TLS setup failed: \(error)")
        }
    }

    /// A TLS handler for one connection to `host` (on its event loop).
    func makeHandler(context: NIOSSLContext, host: String) throws -> NIOSSLClientHandler {
        let name = serverName ?? host
        return try NIOSSLClientHandler(context: context, serverHostname: Self.isIPAddress(name) ? nil : name)
    }

    /// The certificates in a PEM file; none, or an unreadable file, is an error naming it.
    private static func certificates(_ path: String, role: String) throws -> [NIOSSLCertificate] {
        let certificates = try load(path, role: role) { try NIOSSLCertificate.fromPEMFile(path) }
        guard !certificates.isEmpty else {
            throw RPCError(code: .invalidArgument, message: "no PEM certificate in the \(role) \(path)")
        }
        return certificates
    }

    private static func load<T>(_ path: String, role: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw RPCError(code: .invalidArgument, message: "cannot load the \(role) \(path): \(error)")
        }
    }

    /// An IPv4 or IPv6 literal (SNI takes host names only).
    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}
