import ArgumentParser
import ClusterdRPC
import Foundation

/// Where the server is and how to authenticate: shared by every subcommand.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "Server address host:port (default: $CLUSTERD_ADDRESS or 127.0.0.1:7420).")
    var address: String?

    @Option(name: .long, help: "Auth token (default: $CLUSTERD_TOKEN).")
    var token: String?

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

    /// Connects and says Hello.
    func connect() async throws -> ClusterdClient {
        let (host, port) = try hostAndPort()
        let token = self.token ?? ProcessInfo.processInfo.environment["CLUSTERD_TOKEN"]
        return try await ClusterdClient.connect(
            host: host,
            port: port,
            token: token,
            clientName: "clusterctl/0.2.0",
            timeout: .milliseconds(Int(timeout * 1000))
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
