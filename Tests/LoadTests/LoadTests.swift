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
    static let benchRPC = environment["CLUSTERD_BENCH_RPC"] == "1"

    /// Inserts `count` messages over `count / 4` conversations; returns their ids.
    static func insertMessages(_ count: Int, into store: MongoStore) throws -> [String] {
        let topics = ["refund my order", "weather forecast tomorrow", "reset my password", "book a table tonight"]
        let messages = (0..<count).map { index in
            MessageRecord(
                id: .string("load-\(index)"),
                conversationID: .string("conv-\(index / 4)"),
                role: "user",
                content: "\(topics[index % topics.count]) please, request \(index)"
            )
        }
        for chunk in stride(from: 0, to: messages.count, by: 1000) {
            try store.insertHostMessages(Array(messages[chunk..<min(chunk + 1000, messages.count)]))
        }
        return messages.map(\.id.description)
    }

    static func row(_ label: String, _ result: LoadGenerator.Result, usage: ProcessUsage.Delta?) -> String {
        let errors = result.errors.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ",")
        let cpu =
            usage.map {
                String(format: "%5.0f%% %5.0f%% %6.1f", $0.clientCPU * 100, $0.serverCPU * 100, $0.serverRSSMiB)
            }
            ?? "     -      -      -"
        return label.padding(toLength: 36, withPad: " ", startingAt: 0)
            + String(
                format: "%9.0f %7.0f %7.0f %7.0f %8.0f %8.0f  %@  %@",
                result.throughput,
                result.microseconds(50),
                result.microseconds(90),
                result.microseconds(99),
                result.microseconds(99.9),
                Double(result.latency.max) / 1000,
                cpu as NSString,
                (errors.isEmpty ? "-" : errors) as NSString
            )
    }

    static let header =
        "load                                    req/s  p50 µs  p90 µs  p99 µs p99.9 µs   max µs  client server RSS MiB  errors"

    static func checkCorrect(_ result: LoadGenerator.Result, _ label: String) {
        #expect(result.unmatched == 0, "\(label): replies with unknown call ids")
        #expect(result.unanswered == 0, "\(label): calls never answered")
        #expect(result.brokenConnections == 0, "\(label): connections broke")
        let unexpected = result.errors.filter { $0.key != .resourceExhausted }
        #expect(unexpected.isEmpty, "\(label): unexpected errors \(unexpected)")
        #expect(result.replies > 0, "\(label): no replies at all")
    }

    @Test("short mixed load: correct replies, and every triggered message analysed afterwards")
    func shortLoad() async throws {
        let configuration = try EmbeddedMongo.configuration()
        let store = try MongoStore(configuration: configuration)
        defer { store.close() }
        let ids = try Self.insertMessages(400, into: store)
        let server = try await ServerProcess.start(
            store: configuration,
            environment: ServerProcess.hashingEmbedder.merging(["CLUSTERD_QUEUE_CAPACITY": "256"]) { _, new in new }
        )
        print(Self.header)
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
            print(Self.row(label, result, usage: usage.delta()))
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
        let ids = try Self.insertMessages(2_000, into: store)
        let server = try await ServerProcess.start(store: configuration)
        print(Self.header)
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
                    print(Self.row(label, result, usage: usage.delta()))
                    Self.checkCorrect(result, label)
                }
            }
        }
        try await waitUntil("every message analysed", timeout: .seconds(180), poll: .milliseconds(500)) {
            try store.countAnalyses() == ids.count
        }
        await server.terminate()
    }

    @Test(
        "GetStatus against the transport ceiling (an NIO echo server), and trigger p99 at half of peak",
        .enabled(if: LoadTests.benchRPC)
    )
    func benchAgainstEcho() async throws {
        let configuration = try EmbeddedMongo.configuration()
        let store = try MongoStore(configuration: configuration)
        defer { store.close() }
        let ids = try Self.insertMessages(2_000, into: store)
        let server = try await ServerProcess.start(store: configuration)
        let echo = try await EchoServer.start()
        print(Self.header)
        var ratios: [String] = []
        for (connections, depth) in [(1, 1), (16, 16), (64, 16)] {
            let plan = { (port: Int) in
                LoadGenerator.Plan(port: port, connections: connections, depth: depth, duration: .seconds(4))
            }
            let ceiling = try await LoadGenerator.run(plan(echo.port)) { _, _ in .getStatus }
            let usage = ProcessUsage(serverPID: server.child.pid)
            let ours = try await LoadGenerator.run(plan(server.port)) { _, _ in .getStatus }
            print(Self.row("echo ceiling c=\(connections) d=\(depth)", ceiling, usage: nil))
            print(Self.row("clusterd status c=\(connections) d=\(depth)", ours, usage: usage.delta()))
            Self.checkCorrect(ours, "status")
            ratios.append(String(format: "c=%d d=%d: %.2f×", connections, depth, ours.throughput / ceiling.throughput))
        }
        print("GetStatus throughput / echo ceiling: " + ratios.joined(separator: ", "))
        // Peak trigger throughput, then an open-loop run at half of it.
        let peak = try await LoadGenerator.run(
            LoadGenerator.Plan(port: server.port, connections: 16, depth: 16, duration: .seconds(4))
        ) { connection, sequence in
            .triggerAnalysis(messageID: ids[(connection * 131 + sequence) % ids.count], conversationID: "")
        }
        print(Self.row("trigger peak c=16 d=16", peak, usage: nil))
        let half = try await LoadGenerator.run(
            LoadGenerator.Plan(
                port: server.port,
                connections: 16,
                depth: 1,
                duration: .seconds(5),
                rate: peak.throughput / 2
            )
        ) { connection, sequence in
            .triggerAnalysis(messageID: ids[(connection * 131 + sequence) % ids.count], conversationID: "")
        }
        print(Self.row(String(format: "trigger at %.0f/s (half of peak)", peak.throughput / 2), half, usage: nil))
        print(String(format: "TriggerAnalysis p99 at half of peak: %.0f µs (target < 1000 µs)", half.microseconds(99)))
        Self.checkCorrect(half, "trigger at half of peak")
        await echo.stop()
        await server.terminate()
    }
}
