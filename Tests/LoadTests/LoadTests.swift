import ClusterdCore
import ClusterdRPC
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

/// Load against the real clusterd over TCP. Numbers are printed, never asserted; the assertions are about
/// correctness: no error but explicit RESOURCE_EXHAUSTED, every reply matched to its call id, and afterwards every
/// triggered message that exists in MongoDB analysed.
@Suite("Load", .serialized, .timeLimit(.minutes(20)))
struct LoadTests {
    static let environment = ProcessInfo.processInfo.environment
    static let full = environment["CLUSTERD_LOAD"] == "full"

    static func checkCorrect(_ result: LoadGenerator.Result, _ label: String) {
        #expect(result.problems.isEmpty, "\(label): \(result.problems.joined(separator: "; "))")
    }

    @Test(
        "the padded echo ceiling answers with bodies of the asked size that still decode as the request",
        arguments: [
            0, 3, 136, 200, 863, 1475, 20_000,
        ]
    )
    func paddedEcho(replyBodyBytes: Int) async throws {
        let echo = try await EchoServer.start(replyBodyBytes: replyBodyBytes)
        let connection = try RawConnection(port: echo.port)
        let request = RPCFrame(callID: 42, request: .getStatus)
        let requestBytes = WireCodec.encode(request).count
        try await connection.send(request)
        let body = try #require(try connection.readFrameBodyBlocking(deadline: .now + .seconds(5)))
        if replyBodyBytes < requestBytes + 3 {
            #expect(body.count == requestBytes)
        } else {
            // One padding field cannot always hit the size exactly (its length prefix grows at 128): within a byte.
            #expect(abs(body.count - replyBodyBytes) <= 1)
        }
        #expect(try WireCodec.decode(body) == request)
        connection.close()
        await echo.stop()
    }

    @Test("short mixed load: correct replies, and every triggered message analysed afterwards")
    func shortLoad() async throws {
        let configuration = try EmbeddedMongo.configuration()
        let store = try MongoStore(configuration: configuration)
        defer { store.close() }
        let ids = try LoadReport.insertMessages(400, into: store)
        let server = try await ServerProcess.start(
            store: configuration,
            environment: ServerProcess.hashingEmbedder.merging(["CLUSTERD_QUEUE_CAPACITY": "256"]) { _, new in new }
        )
        print(LoadReport.header)
        for (label, connections, depth, trigger) in [
            ("status c=16 d=16", 16, 16, false), ("trigger c=16 d=16", 16, 16, true),
        ] {
            let usage = ProcessUsage(serverPID: server.child.pid)
            let result = try await LoadGenerator.run(
                LoadGenerator.Plan(port: server.port, connections: connections, depth: depth, duration: .seconds(2))
            ) { connection, sequence in
                trigger
                    ? .triggerAnalysis(messageID: ids[(connection * 131 + sequence) % ids.count], conversationID: "")
                    : .getStatus
            }
            print(LoadReport.row(label, result, usage: usage.delta()))
            Self.checkCorrect(result, label)
        }
        // Every message that was triggered (or refused) exists, so each must end up analysed (sweep included).
        try await waitUntil("every message analysed", timeout: .seconds(90), poll: .milliseconds(250)) {
            try store.countAnalyses() == ids.count
        }
        await server.terminate()
    }

    @Test(
        "full matrix: 1/16/64/256 connections × depth 1/16 × TriggerAnalysis/GetStatus",
        .enabled(if: LoadTests.full)
    )
    func fullMatrix() async throws {
        let configuration = try EmbeddedMongo.configuration()
        let store = try MongoStore(configuration: configuration)
        defer { store.close() }
        let ids = try LoadReport.insertMessages(2_000, into: store)
        let server = try await ServerProcess.start(store: configuration)
        print(LoadReport.header)
        for trigger in [false, true] {
            for connections in [1, 16, 64, 256] {
                for depth in [1, 16] {
                    let label = "\(trigger ? "trigger" : "status") c=\(connections) d=\(depth)"
                    let usage = ProcessUsage(serverPID: server.child.pid)
                    let result = try await LoadGenerator.run(
                        LoadGenerator.Plan(
                            port: server.port,
                            connections: connections,
                            depth: depth,
                            duration: .seconds(3)
                        )
                    ) { connection, sequence in
                        trigger
                            ? .triggerAnalysis(
                                messageID: ids[(connection * 131 + sequence) % ids.count],
                                conversationID: ""
                            )
                            : .getStatus
                    }
                    print(LoadReport.row(label, result, usage: usage.delta()))
                    Self.checkCorrect(result, label)
                }
            }
        }
        try await waitUntil("every message analysed", timeout: .seconds(180), poll: .milliseconds(500)) {
            try store.countAnalyses() == ids.count
        }
        await server.terminate()
    }
}
