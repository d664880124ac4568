import ClusterdCore
import ClusterdRPC
import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd {
    @Suite("Hostile frames")
    struct HostileFrames {
        /// The error code of an Error frame, or nil (with an issue recorded) for anything else.
        private static func code(of frame: RPCFrame?, sourceLocation: SourceLocation = #_sourceLocation)
            -> RPCStatusCode?
        {
            guard let frame else {
                Issue.record("the server closed the connection instead of answering", sourceLocation: sourceLocation)
                return nil
            }
            guard case .reply(.error(let error)) = frame.body else {
                Issue.record("expected an Error frame, got \(frame.body)", sourceLocation: sourceLocation)
                return nil
            }
            return error.code
        }

        /// GetStatus still works on this connection.
        private static func expectUsable(_ raw: RawConnection, sourceLocation: SourceLocation = #_sourceLocation)
            async throws
        {
            try await raw.send(RPCFrame(callID: 777, request: .getStatus))
            let reply = try await raw.readFrame(timeout: .seconds(10))
            #expect(reply?.callID == 777, sourceLocation: sourceLocation)
            guard case .reply(.getStatus) = reply?.body else {
                Issue.record(
                    "GetStatus after the error got \(String(describing: reply))",
                    sourceLocation: sourceLocation
                )
                return
            }
        }

        @Test("malformed protobuf: INVALID_ARGUMENT with call id 0, and the connection stays usable")
        func garbage() async throws {
            try await ServerProcess.with(store: try EmbeddedMongo.configuration()) { server in
                let raw = try RawConnection(port: server.port)
                for body: [UInt8] in [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0x08]] {
                    try await raw.send(RawConnection.framed(body))
                    let reply = try await raw.readFrame(timeout: .seconds(10))
                    #expect(Self.code(of: reply) == .invalidArgument, "for \(body)")
                    #expect(reply?.callID == 0)
                    try await Self.expectUsable(raw)
                }
                raw.close()
            }
        }

        @Test("a length above 1 MiB: RESOURCE_EXHAUSTED, then the connection is closed (no body sent)")
        func oversizedFrame() async throws {
            try await ServerProcess.with(store: try EmbeddedMongo.configuration()) { server in
                let raw = try RawConnection(port: server.port)
                let length = UInt32(1 << 20) + 1
                try await raw.send([
                    UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff),
                    UInt8(length & 0xff),
                ])
                let reply = try await raw.readFrame(timeout: .seconds(10))
                #expect(Self.code(of: reply) == .resourceExhausted)
                #expect(reply?.callID == 0)
                #expect(try await raw.closedByPeer(within: .seconds(10)))
                raw.close()
                // The server itself is fine.
                let client = try await server.connect()
                _ = try await client.status()
                await client.close()
            }
        }

        @Test("an unknown body kind: UNIMPLEMENTED echoing its call id; an empty frame: UNIMPLEMENTED")
        func unknownBodyKind() async throws {
            try await ServerProcess.with(store: try EmbeddedMongo.configuration()) { server in
                let raw = try RawConnection(port: server.port)
                // call_id = 5, then field 99 (varint 1): a body kind from a newer protocol.
                try await raw.send(RawConnection.framed([0x08, 0x05, 0x98, 0x06, 0x01]))
                let reply = try await raw.readFrame(timeout: .seconds(10))
                #expect(Self.code(of: reply) == .unimplemented)
                #expect(reply?.callID == 5)
                try await Self.expectUsable(raw)

                try await raw.send(RawConnection.framed([]))
                #expect(Self.code(of: try await raw.readFrame(timeout: .seconds(10))) == .unimplemented)
                try await Self.expectUsable(raw)
                raw.close()
            }
        }

        @Test("bad requests: empty or over-long message id, a reply kind as a request, a newer protocol version")
        func badRequests() async throws {
            try await ServerProcess.with(store: try EmbeddedMongo.configuration()) { server in
                let client = try await server.connect()
                await expectRPCError(.invalidArgument) { _ = try await client.triggerAnalysis(messageID: "") }
                await expectRPCError(.invalidArgument) {
                    _ = try await client.triggerAnalysis(messageID: String(repeating: "x", count: 1025))
                }
                await expectRPCError(.invalidArgument) {
                    _ = try await client.call(message: .reply(.getStatus(ServiceStatus())))
                }
                await expectRPCError(.failedPrecondition) {
                    _ = try await client.call(.hello(protocolVersion: 2, clientName: "future", token: ""))
                }
                await expectRPCError(.notFound) { _ = try await client.listClusters() }
                await expectRPCError(.notFound) { _ = try await client.listClusters(runID: "000000000000000000000000") }
                // Still usable after all of that.
                #expect(try await client.triggerAnalysis(messageID: "a-message-that-is-not-there-yet") == .queued)
                await client.close()
            }
        }
    }
}
