import NIOCore
import NIOSSL
import Synchronization

/// The TLS context a server's new connections are wrapped with, loaded from a `ServerTLSConfiguration`'s files and
/// swapped whole by `reload()` (SIGHUP): connections already open keep the context they started with, every
/// connection accepted after a reload gets the new certificate. One instance is shared by the RPC server and the
/// HTTP gateway.
public final class ServerTLSContext: Sendable {
    /// The files it loads.
    public let configuration: ServerTLSConfiguration
    private let current: Mutex<NIOSSLContext>

    /// Loads the files; a missing or malformed file is a `TLSSetupError` naming it.
    public init(configuration: ServerTLSConfiguration) throws(TLSSetupError) {
        self.configuration = configuration
        self.current = Mutex(try Self.load(configuration))
    }

    /// Reads the files again and, if they load, serves new connections with them; if they do not, the current
    /// certificate stays and the error is thrown.
    public func reload() throws(TLSSetupError) {
        let context = try Self.load(configuration)
        current.withLock { $0 = context }
    }

    /// A TLS handler for one accepted connection, with the current context.
    public func makeServerHandler() -> NIOSSLServerHandler {
        NIOSSLServerHandler(context: current.withLock { $0 })
    }

    /// Builds a context from the files: TLS 1.2 at least; with a client CA, a client certificate signed by it is
    /// required (no hostname check: clients are not named).
    static func load(_ configuration: ServerTLSConfiguration) throws(TLSSetupError) -> NIOSSLContext {
        let chain = try TLSSetupError.naming(configuration.certificateFile, "certificate") {
            let certificates = try NIOSSLCertificate.fromPEMFile(configuration.certificateFile)
            guard !certificates.isEmpty else { throw TLSSetupError(message: "no PEM certificate in it") }
            return certificates
        }
        let key = try TLSSetupError.naming(configuration.keyFile, "private key") {
            try NIOSSLPrivateKey(file: configuration.keyFile, format: .pem)
        }
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        tls.minimumTLSVersion = .tlsv12
        if let clientCAFile = configuration.clientCAFile {
            let authorities = try TLSSetupError.naming(clientCAFile, "client CA") {
                let certificates = try NIOSSLCertificate.fromPEMFile(clientCAFile)
                guard !certificates.isEmpty else { throw TLSSetupError(message: "no PEM certificate in it") }
                return certificates
            }
            tls.certificateVerification = .noHostnameVerification
            tls.trustRoots = .certificates(authorities)
            tls.sendCANameList = true
        }
        return try TLSSetupError.naming(configuration.certificateFile, "certificate and key") {
            try NIOSSLContext(configuration: tls)
        }
    }
}

extension ServerTLSContext: Equatable {
    /// The same context (configurations holding one compare by identity).
    public static func == (lhs: ServerTLSContext, rhs: ServerTLSContext) -> Bool {
        lhs === rhs
    }
}
