import ClusterdCore
import ClusterdRPC
import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd {
    /// TLS on the RPC port and the HTTP gateway with a CA made at run time: clusterctl, the Swift client and curl
    /// over TLS, a client that does not trust the CA, client certificates, and the certificate reload on SIGHUP.
    @Suite("TLS", .timeLimit(.minutes(5)))
    struct TLS {
        /// A token of 48 bytes, and a file holding it.
        static func tokenFile(in directory: TemporaryDirectory) throws -> (token: String, path: String) {
            let token = "tls-e2e-" + UUID().uuidString + "-0123456"
            let path = directory.path("token")
            try "\(token)\n".write(toFile: path, atomically: true, encoding: .utf8)
            return (token, path)
        }

        /// Runs clusterctl with `arguments` (the server's address added).
        static func clusterctl(_ server: ServerProcess, _ arguments: [String]) async throws -> ChildProcess.Output {
            let program = try #require(TestBinaries.clusterctl)
            return try await ChildProcess.run(
                program,
                arguments + ["--address", server.address],
                timeout: .seconds(30)
            )
        }

        /// Runs a shell command line.
        static func shell(_ command: String) async throws -> ChildProcess.Output {
            try await ChildProcess.run("/bin/sh", ["-c", command], timeout: .seconds(30))
        }

        /// The serial and subject of the certificate a new TLS connection to `port` is served (openssl s_client).
        static func servedCertificate(port: Int, ca: ThrowawayCA) async throws -> String {
            try await shell(
                "openssl s_client -connect 127.0.0.1:\(port) -CAfile \(ca.certificateFile) </dev/null 2>/dev/null"
                    + " | openssl x509 -noout -serial -subject"
            ).stdout
        }

        @Test("RPC and HTTP over TLS: clusterctl, the Swift client and curl with the CA; without it a clear error")
        func serveOverTLS() async throws {
            let ca = try await ThrowawayCA.make()
            let other = try await ThrowawayCA.make(name: "someone else's CA")
            let certificate = try await ca.issueServer()
            let directory = try TemporaryDirectory(prefix: "clusterd-tls")
            let (token, tokenPath) = try Self.tokenFile(in: directory)
            let environment = [
                "CLUSTERD_TLS_CERT_FILE": certificate.certificateFile, "CLUSTERD_TLS_KEY_FILE": certificate.keyFile,
                "CLUSTERD_TOKEN_FILE": tokenPath, "CLUSTERD_HTTP_LISTEN": "127.0.0.1:0",
            ]
            try await ServerProcess.with(store: try EmbeddedMongo.configuration(), environment: environment) {
                server in
                // The log is read from a pipe: give its reader a moment on a busy machine.
                try await waitUntil("the log says TLS on", timeout: .seconds(10)) { server.stderr.contains("TLS on") }
                // The Swift client with the CA.
                let client = try await ClusterdClient.connect(
                    host: "127.0.0.1",
                    port: server.port,
                    token: token,
                    tls: ClientTLSOptions(caFile: ca.certificateFile)
                )
                #expect(try await client.status().version.isEmpty == false)
                await client.close()
                // ... and with another CA, or none (the system's roots): the handshake fails, UNAVAILABLE.
                for options in [ClientTLSOptions(caFile: other.certificateFile), ClientTLSOptions()] {
                    do {
                        _ = try await ClusterdClient.connect(
                            host: "127.0.0.1",
                            port: server.port,
                            token: token,
                            tls: options
                        )
                        Issue.record("a client that does not trust the CA connected")
                    } catch let error as RPCError {
                        #expect(error.code == .unavailable)
                        #expect(error.message.contains("TLS handshake failed"), "\(error.message)")
                        #expect(error.message.contains("CERTIFICATE_VERIFY_FAILED"), "\(error.message)")
                    }
                }
                // A plain-TCP client gets no answer it could mistake for the protocol.
                await #expect(throws: RPCError.self) {
                    _ = try await ClusterdClient.connect(host: "127.0.0.1", port: server.port, token: token)
                }

                // clusterctl: --tls --ca-file with --token-file.
                let status = try await Self.clusterctl(
                    server,
                    ["status", "--json", "--tls", "--ca-file", ca.certificateFile, "--token-file", tokenPath]
                )
                #expect(status.exitCode == 0, "\(status.stdout)\(status.stderr)")
                #expect(status.stdout.contains("\"version\""))
                let untrusted = try await Self.clusterctl(server, ["status", "--tls", "--token-file", tokenPath])
                #expect(untrusted.exitCode == 69, "\(untrusted.stdout)\(untrusted.stderr)")
                #expect(untrusted.stderr.contains("TLS handshake failed"), "\(untrusted.stderr)")

                // The gateway over HTTPS (curl), with the token as a bearer; without the CA curl refuses.
                let httpPort = try #require(server.httpPort)
                let https = try await Self.shell(
                    "curl -sS --cacert \(ca.certificateFile) -H 'Authorization: Bearer \(token)' "
                        + "https://127.0.0.1:\(httpPort)/api/clustering/background-status"
                )
                #expect(https.exitCode == 0, "\(https.stderr)")
                #expect(https.stdout.contains("\"operator\""), "\(https.stdout)")
                let livez = try await Self.shell(
                    "curl -sS -o /dev/null -w '%{http_code}' --cacert \(ca.certificateFile) "
                        + "https://localhost:\(httpPort)/livez"
                )
                #expect(livez.stdout == "200", "\(livez.stdout)\(livez.stderr)")
                let refused = try await Self.shell("curl -sS https://127.0.0.1:\(httpPort)/livez")
                #expect(refused.exitCode == 60, "curl's 'peer certificate cannot be authenticated': \(refused)")
                #expect(!server.stderr.contains(token), "the token appears in the log")
            }
        }

        @Test("with CLUSTERD_TLS_CLIENT_CA_FILE a client needs a certificate from that CA, on both ports")
        func clientCertificates() async throws {
            let ca = try await ThrowawayCA.make()
            let other = try await ThrowawayCA.make(name: "someone else's CA")
            let certificate = try await ca.issueServer()
            let clientCertificate = try await ca.issueClient()
            let stranger = try await other.issueClient()
            let environment = [
                "CLUSTERD_TLS_CERT_FILE": certificate.certificateFile, "CLUSTERD_TLS_KEY_FILE": certificate.keyFile,
                "CLUSTERD_TLS_CLIENT_CA_FILE": ca.certificateFile, "CLUSTERD_HTTP_LISTEN": "127.0.0.1:0",
            ]
            try await ServerProcess.with(store: try EmbeddedMongo.configuration(), environment: environment) {
                server in
                try await waitUntil("the log says client certificates are required", timeout: .seconds(10)) {
                    server.stderr.contains("client certificates required")
                }
                let good = ClientTLSOptions(
                    caFile: ca.certificateFile,
                    certificateFile: clientCertificate.certificateFile,
                    keyFile: clientCertificate.keyFile
                )
                let client = try await ClusterdClient.connect(host: "127.0.0.1", port: server.port, tls: good)
                #expect(try await client.status().version.isEmpty == false)
                await client.close()
                let strangers = ClientTLSOptions(
                    caFile: ca.certificateFile,
                    certificateFile: stranger.certificateFile,
                    keyFile: stranger.keyFile
                )
                for options in [ClientTLSOptions(caFile: ca.certificateFile), strangers] {
                    await expectRPCError(.unavailable) {
                        _ = try await ClusterdClient.connect(host: "127.0.0.1", port: server.port, tls: options)
                    }
                }
                let withCertificate = try await Self.clusterctl(
                    server,
                    [
                        "status", "--ca-file", ca.certificateFile, "--cert-file", clientCertificate.certificateFile,
                        "--key-file", clientCertificate.keyFile,
                    ]
                )
                #expect(withCertificate.exitCode == 0, "\(withCertificate.stdout)\(withCertificate.stderr)")
                let without = try await Self.clusterctl(server, ["status", "--ca-file", ca.certificateFile])
                #expect(without.exitCode == 69, "\(without.stdout)\(without.stderr)")

                let httpPort = try #require(server.httpPort)
                let curl = "curl -sS -o /dev/null -w '%{http_code}' --cacert \(ca.certificateFile)"
                let withCert = try await Self.shell(
                    "\(curl) --cert \(clientCertificate.certificateFile) --key \(clientCertificate.keyFile) "
                        + "https://127.0.0.1:\(httpPort)/livez"
                )
                #expect(withCert.stdout == "200", "\(withCert)")
                let noCert = try await Self.shell("\(curl) https://127.0.0.1:\(httpPort)/livez")
                #expect(noCert.stdout != "200", "\(noCert)")
            }
        }

        @Test("SIGHUP reloads the certificate: new connections get the new one, open ones go on; bad files keep it")
        func reloadOnSIGHUP() async throws {
            let ca = try await ThrowawayCA.make()
            let first = try await ca.issueServer(commonName: "clusterd first", serial: "1A2B3C")
            let second = try await ca.issueServer(commonName: "clusterd second", serial: "4D5E6F")
            let directory = try TemporaryDirectory(prefix: "clusterd-tls")
            let certificatePath = directory.path("server.pem")
            let keyPath = directory.path("server.key")
            func install(_ issued: ThrowawayCA.Issued) throws {
                for (from, to) in [(issued.certificateFile, certificatePath), (issued.keyFile, keyPath)] {
                    try? FileManager.default.removeItem(atPath: to)
                    try FileManager.default.copyItem(atPath: from, toPath: to)
                }
            }
            try install(first)
            let environment = ["CLUSTERD_TLS_CERT_FILE": certificatePath, "CLUSTERD_TLS_KEY_FILE": keyPath]
            try await ServerProcess.with(store: try EmbeddedMongo.configuration(), environment: environment) {
                server in
                let before = try await Self.servedCertificate(port: server.port, ca: ca)
                #expect(before.contains("serial=1A2B3C") && before.contains("clusterd first"), "\(before)")
                let open = try await ClusterdClient.connect(
                    host: "127.0.0.1",
                    port: server.port,
                    tls: ClientTLSOptions(caFile: ca.certificateFile)
                )

                try install(second)
                server.kill(SIGHUP)
                try await waitUntil("the new certificate served", timeout: .seconds(10)) {
                    server.stderr.contains("SIGHUP: reloaded")
                }
                let after = try await Self.servedCertificate(port: server.port, ca: ca)
                #expect(after.contains("serial=4D5E6F") && after.contains("clusterd second"), "\(after)")
                #expect(try await open.status().version.isEmpty == false, "the open connection goes on")
                await open.close()

                // A key that does not match, then SIGHUP: the server keeps the second certificate and says why.
                try FileManager.default.removeItem(atPath: keyPath)
                try FileManager.default.copyItem(atPath: first.keyFile, toPath: keyPath)
                server.kill(SIGHUP)
                try await waitUntil("the failed reload logged", timeout: .seconds(10)) {
                    server.stderr.contains("SIGHUP: kept the current TLS certificate")
                }
                let kept = try await Self.servedCertificate(port: server.port, ca: ca)
                #expect(kept.contains("serial=4D5E6F"), "\(kept)")
                #expect(server.child.isRunning)
            }
        }
    }
}
