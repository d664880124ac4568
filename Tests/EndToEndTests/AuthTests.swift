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
            let token = "e2e-token-\(UUID().uuidString.prefix(8))"
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
    }
}
