import ClusterdCore
import ClusterdRPC
import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd {
    @Suite("Connection limits and backpressure")
    struct ConnectionLimits {
        private static func errorCode(_ frame: RPCFrame?) -> RPCStatusCode? {
            guard case .reply(.error(let error)) = frame?.body else { return nil }
            return error.code
        }

        @Test("a peer trickling one byte at a time is closed by the frame deadline")
        func slowPeer() async throws {
            let environment = ["CLUSTERD_FRAME_DEADLINE_SECONDS": "2"]
            try await ServerProcess.with(store: try EmbeddedMongo.configuration(), environment: environment) { server in
                let raw = try RawConnection(port: server.port)
                let frame = RawConnection.framed(
                    RPCFrame(
                        callID: 1,
                        request: .triggerAnalysis(messageID: String(repeating: "x", count: 40), conversationID: "")
                    )
                )
                let started = ContinuousClock.now
                var closed = false
                for byte in frame {
                    let result = raw.sendUntilBlocked([byte], deadline: .now + .seconds(1))
                    if result.closed {
                        closed = true
                        break
                    }
                    if try await raw.closedByPeer(within: .milliseconds(400)) {
                        closed = true
                        break
                    }
                }
                let elapsed = ContinuousClock.now - started
                #expect(closed, "the connection survived \(frame.count) bytes over \(elapsed)")
                #expect(elapsed < .seconds(6), "closed after \(elapsed)")
                // Another client is served normally.
                let client = try await server.connect()
                _ = try await client.status()
                await client.close()
            }
        }

        @Test("beyond the connection limit a new connection gets RESOURCE_EXHAUSTED and is closed")
        func connectionLimit() async throws {
            let environment = ["CLUSTERD_MAX_CONNECTIONS": "4"]
            try await ServerProcess.with(store: try EmbeddedMongo.configuration(), environment: environment) { server in
                var open: [RawConnection] = []
                for index in 0..<4 {
                    let raw = try RawConnection(port: server.port)
                    try await raw.send(RPCFrame(callID: UInt64(index + 1), request: .getStatus))
                    let reply = try await raw.readFrame(timeout: .seconds(10))
                    #expect(reply?.callID == UInt64(index + 1))
                    open.append(raw)
                }
                let refused = try RawConnection(port: server.port)
                let reply = try await refused.readFrame(timeout: .seconds(10))
                #expect(Self.errorCode(reply) == .resourceExhausted, "\(String(describing: reply))")
                #expect(reply?.callID == 0)
                #expect(try await refused.closedByPeer(within: .seconds(5)))
                refused.close()
                // Closing one makes room again.
                open.removeFirst().close()
                try await waitUntil("a slot to free up", timeout: .seconds(10)) {
                    let raw = try RawConnection(port: server.port)
                    defer { raw.close() }
                    try await raw.send(RPCFrame(callID: 9, request: .getStatus))
                    return try await raw.readFrame(timeout: .seconds(5))?.callID == 9
                }
                for raw in open { raw.close() }
            }
        }

        @Test("a peer that floods calls and never reads its replies is stopped, then closed")
        func floodWithoutReading() async throws {
            let environment = ["CLUSTERD_WRITE_STALL_SECONDS": "2", "CLUSTERD_MAX_IN_FLIGHT": "64"]
            try await ServerProcess.with(store: try EmbeddedMongo.configuration(), environment: environment) { server in
                let raw = try RawConnection(port: server.port)
                // 3,000,000 GetStatus calls (33 MB, far beyond the kernel's socket buffers) whose replies the peer
                // never reads: the server must stop reading instead of buffering ~1.5 GB of replies.
                let one = RawConnection.framed(RPCFrame(callID: 1, request: .getStatus))
                var flood: [UInt8] = []
                flood.reserveCapacity(one.count * 3_000_000)
                for _ in 0..<3_000_000 { flood.append(contentsOf: one) }
                let started = ContinuousClock.now
                let deadline = started + .seconds(20)
                let payload = flood
                let result = await Task.detached { raw.sendUntilBlocked(payload, deadline: deadline) }.value
                let closed = try await (result.closed ? true : raw.closedByPeer(within: .seconds(15)))
                #expect(closed, "the server kept a connection whose peer never reads")
                #expect(result.written < flood.count, "the server read everything instead of pushing back")
                #expect(ContinuousClock.now - started < .seconds(30))
                raw.close()
                // The server is fine and serves others.
                let client = try await server.connect()
                _ = try await client.status()
                await client.close()
                #expect(server.stderr.contains("has not read its replies"))
            }
        }

        @Test("a peer declaring a 2 GiB frame gets RESOURCE_EXHAUSTED and is closed")
        func twoGiBFrame() async throws {
            try await ServerProcess.with(store: try EmbeddedMongo.configuration()) { server in
                let raw = try RawConnection(port: server.port)
                try await raw.send([0x80, 0x00, 0x00, 0x00, 0x01, 0x02])
                let reply = try await raw.readFrame(timeout: .seconds(10))
                #expect(Self.errorCode(reply) == .resourceExhausted)
                #expect(try await raw.closedByPeer(within: .seconds(5)))
                raw.close()
            }
        }

        @Test("SIGTERM answers the calls in flight, refuses new connections and exits promptly")
        func sigtermUnderLoad() async throws {
            let store = try EmbeddedMongo.configuration()
            let server = try await ServerProcess.start(store: store)
            let raw = try RawConnection(port: server.port)
            var burst: [UInt8] = []
            for index in 0..<500 {
                let body: RPCRequest =
                    index % 2 == 0 ? .getStatus : .triggerAnalysis(messageID: "m-\(index)", conversationID: "")
                burst += RawConnection.framed(RPCFrame(callID: UInt64(index + 1), request: body))
            }
            try await raw.send(burst)
            server.kill(SIGTERM)
            let started = ContinuousClock.now
            let replies = try await raw.readFrames(500, timeout: .seconds(15))
            #expect(replies.count == 500, "answered \(replies.count) of 500 calls sent before SIGTERM")
            let exit = await server.waitForExit(timeout: .seconds(20))
            #expect(exit != nil, "still running 20 s after SIGTERM")
            #expect(ContinuousClock.now - started < .seconds(20))
            #expect((try? RawConnection(port: server.port)) == nil, "a new connection was accepted after exit")
            raw.close()
        }
    }
}
