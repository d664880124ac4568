import ArgumentParser
import ClusterdCore
import ClusterdRPC
import Foundation

/// Where the server is and how to authenticate: shared by every subcommand.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "Server address host:port (default: $CLUSTERD_ADDRESS or 127.0.0.1:7420).")
    var address: String?

    @Option(name: .long, help: "Auth token (default: $CLUSTERD_TOKEN); --token-file keeps it out of ps.")
    var token: String?

    @Option(name: .long, help: "Read the auth token from this file (default: $CLUSTERD_TOKEN_FILE).")
    var tokenFile: String?

    @Flag(name: .long, help: "Connect over TLS (default: on when $CLUSTERD_TLS is 1 or a CA file is given).")
    var tls = false

    @Option(
        name: .long,
        help:
            "PEM file of the CA that signed the server's certificate; implies --tls (default: $CLUSTERD_TLS_CA_FILE, else the system's roots)."
    )
    var caFile: String?

    @Option(
        name: .long,
        help: "PEM client certificate, for a server that requires one (default: $CLUSTERD_TLS_CLIENT_CERT_FILE)."
    )
    var certFile: String?

    @Option(name: .long, help: "PEM key of --cert-file (default: $CLUSTERD_TLS_CLIENT_KEY_FILE).")
    var keyFile: String?

    @Option(name: .long, help: "Name to verify the server's certificate against (default: the address's host).")
    var serverName: String?

    @Option(name: .long, help: "Seconds to wait for the connection and each reply.")
    var timeout: Double = 10

    /// The address to use, as text.
    var addressText: String {
        address ?? ProcessInfo.processInfo.environment["CLUSTERD_ADDRESS"] ?? "127.0.0.1:7420"
    }

    /// host and port of `addressText`; a malformed address is a usage error (exit 64).
    func hostAndPort() throws -> (host: String, port: Int) {
        let text = addressText
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port)
        else {
            throw ValidationError("address must be host:port, not \(text)")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }

    /// The token: `--token`, `--token-file`, `$CLUSTERD_TOKEN`, `$CLUSTERD_TOKEN_FILE`, in that order; an unreadable
    /// file is a usage error.
    func resolvedToken() throws -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let token { return token }
        do {
            if let tokenFile { return try TokenFile.read(tokenFile, source: "--token-file") }
            if let token = environment["CLUSTERD_TOKEN"], !token.isEmpty { return token }
            if let path = environment["CLUSTERD_TOKEN_FILE"], !path.isEmpty {
                return try TokenFile.read(path, source: "CLUSTERD_TOKEN_FILE")
            }
        } catch {
            throw ValidationError(error.description)
        }
        return nil
    }

    /// The TLS options, or nil for plain TCP: on with `--tls`, a CA file or `$CLUSTERD_TLS=1`.
    func tlsOptions() -> ClientTLSOptions? {
        let environment = ProcessInfo.processInfo.environment
        func setting(_ flag: String?, _ name: String) -> String? {
            flag ?? environment[name].flatMap { $0.isEmpty ? nil : $0 }
        }
        let caFile = setting(self.caFile, "CLUSTERD_TLS_CA_FILE")
        let enabled = tls || caFile != nil || ["1", "true", "yes", "on"].contains(environment["CLUSTERD_TLS"] ?? "")
        guard enabled else { return nil }
        return ClientTLSOptions(
            caFile: caFile,
            certificateFile: setting(certFile, "CLUSTERD_TLS_CLIENT_CERT_FILE"),
            keyFile: setting(keyFile, "CLUSTERD_TLS_CLIENT_KEY_FILE"),
            serverName: serverName
        )
    }

    /// Connects and says Hello.
    func connect() async throws -> ClusterdClient {
        let (host, port) = try hostAndPort()
        return try await ClusterdClient.connect(
            host: host,
            port: port,
            token: try resolvedToken(),
            clientName: "clusterctl/0.2.0",
            timeout: .milliseconds(Int(timeout * 1000)),
            tls: tlsOptions()
        )
    }

    /// Connects, runs `body` with the client, closes it; failures become the documented exit codes, with the
    /// message on stderr.
    func withClient<T>(_ body: (ClusterdClient) async throws -> T) async throws -> T {
        do {
            let client = try await connect()
            do {
                let result = try await body(client)
                await client.close()
                return result
            } catch {
                await client.close()
                throw error
            }
        } catch let exit as ExitCode {
            throw exit
        } catch let validation as ValidationError {
            throw validation
        } catch {
            throw ExitCodes.fail(error)
        }
    }
}
