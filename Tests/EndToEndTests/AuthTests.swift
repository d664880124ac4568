import ClusterdCore
import ClusterdRPC
import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd {
    @Suite("Authentication")
    struct Authentication {
        @Test("a server with a token refuses a wrong or missing token, and a first frame that is not Hello")
        func tokenRequired() async throws {
            let token = "e2e-token-\(UUID().uuidString)"
            try await ServerProcess.with(
                store: try EmbeddedMongo.configuration(),
                environment: ["CLUSTERD_TOKEN": token]
            ) { server in
                await expectRPCError(.unauthenticated) {
                    _ = try await server.connect(token: "\(token)-wrong")
                }
                await expectRPCError(.unauthenticated) {
                    _ = try await server.connect(token: nil)
                }
                let client = try await server.connect(token: token)
                #expect(try await client.status().version.isEmpty == false)
                await client.close()

                // GetStatus before any Hello: UNAUTHENTICATED (echoing the call id), then the server closes.
                let raw = try RawConnection(port: server.port)
                try await raw.send(RPCFrame(callID: 42, request: .getStatus))
                let reply = try #require(try await raw.readFrame(timeout: .seconds(10)))
                #expect(reply.callID == 42)
                guard case .reply(.error(let error)) = reply.body else {
                    Issue.record("expected an Error frame, got \(reply.body)")
                    return
                }
                #expect(error.code == .unauthenticated)
                #expect(try await raw.readFrame(timeout: .seconds(10)) == nil, "the connection stays open")
                raw.close()

                // A Hello with the right token on a raw connection opens it.
                let opened = try RawConnection(port: server.port)
                try await opened.send(
                    RawConnection.framed(
                        RPCFrame(callID: 1, request: .hello(protocolVersion: 1, clientName: "raw", token: token))
                    ) + RawConnection.framed(RPCFrame(callID: 2, request: .getStatus))
                )
                let frames = try await opened.readFrames(2, timeout: .seconds(10))
                #expect(frames.count == 2)
                #expect(frames.contains { if case .reply(.hello) = $0.body { $0.callID == 1 } else { false } })
                #expect(frames.contains { if case .reply(.getStatus) = $0.body { $0.callID == 2 } else { false } })
                opened.close()

                #expect(!server.stderr.contains(token), "the token appears in the log")
            }
        }

        /// Starts clusterd expecting it to refuse; returns its log.
        private static func refusedStart(environment: [String: String], listen: String) async throws -> String {
            do {
                let server = try await ServerProcess.start(
                    store: try EmbeddedMongo.configuration(),
                    environment: environment,
                    listen: listen
                )
                await server.terminate()
                Issue.record("clusterd started with \(environment) on \(listen)")
                return ""
            } catch let error as ServerProcess.StartError {
                return error.description
            }
        }

        @Test("no token on a non-loopback address, or a short token: clusterd refuses to start and names the fix")
        func refusesInsecureStarts() async throws {
            let open = try await Self.refusedStart(environment: [:], listen: "0.0.0.0:0")
            #expect(open.contains("CLUSTERD_ALLOW_INSECURE"), "\(open)")
            #expect(open.contains("not a loopback address"), "\(open)")
            let openHTTP = try await Self.refusedStart(
                environment: ["CLUSTERD_HTTP_LISTEN": "0.0.0.0:0"],
                listen: "127.0.0.1:0"
            )
            #expect(openHTTP.contains("CLUSTERD_HTTP_LISTEN") && openHTTP.contains("CLUSTERD_ALLOW_INSECURE"))
            let short = try await Self.refusedStart(
                environment: ["CLUSTERD_TOKEN": String(repeating: "x", count: 31)],
                listen: "127.0.0.1:0"
            )
            #expect(short.contains("at least 32"), "\(short)")

            // Allowed explicitly: it starts (and answers on loopback).
            let server = try await ServerProcess.start(
                store: try EmbeddedMongo.configuration(),
                environment: ["CLUSTERD_ALLOW_INSECURE": "1"],
                listen: "0.0.0.0:0"
            )
            let client = try await server.connect()
            #expect(try await client.status().version.isEmpty == false)
            await client.close()
            await server.terminate()
        }

        @Test("CLUSTERD_TOKEN_FILE on the server, --token-file and CLUSTERD_TOKEN_FILE for clusterctl")
        func tokenFiles() async throws {
            let directory = try TemporaryDirectory(prefix: "clusterd-token")
            let token = "file-token-\(UUID().uuidString)"
            let path = directory.path("token")
            try "\(token)\n".write(toFile: path, atomically: true, encoding: .utf8)
            try await ServerProcess.with(
                store: try EmbeddedMongo.configuration(),
                environment: ["CLUSTERD_TOKEN_FILE": path]
            ) { server in
                let client = try await server.connect(token: token)
                #expect(try await client.status().version.isEmpty == false)
                await client.close()
                await expectRPCError(.unauthenticated) { _ = try await server.connect(token: nil) }
                let program = try #require(TestBinaries.clusterctl)
                let flag = try await ChildProcess.run(
                    program,
                    ["status", "--address", server.address, "--token-file", path]
                )
                #expect(flag.exitCode == 0, "\(flag.stderr)")
                var environment = ChildProcess.baseEnvironment
                environment["CLUSTERD_TOKEN_FILE"] = path
                let variable = try await ChildProcess.run(
                    program,
                    ["status", "--address", server.address],
                    environment: environment
                )
                #expect(variable.exitCode == 0, "\(variable.stderr)")
                let missing = try await ChildProcess.run(
                    program,
                    ["status", "--address", server.address, "--token-file", directory.path("absent")]
                )
                #expect(missing.exitCode == 64, "\(missing.stderr)")
                #expect(missing.stderr.contains("cannot read the token file"), "\(missing.stderr)")
                #expect(!server.stderr.contains(token), "the token appears in the log")
            }
        }
    }
}
