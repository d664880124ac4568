import ClusterdCore
import ClusterdTestSupport
import Logging
import MetricsTestKit
import NIOCore
import Testing

@testable import ClusterdRPC

/// The RPC server's request counts and latencies, recorded on a test metrics factory through a real loopback
/// connection.
@Suite(.timeLimit(.minutes(3)))
struct RPCMetricsTests {
    /// Answers GetStatus, refuses triggers for "full" with RESOURCE_EXHAUSTED, queues the rest.
    struct Handler: RefusingRPCHandler {
        func getStatus(reply: RPCResponder<ServiceStatus>) {
            reply.succeed(ServiceStatus())
        }

        func triggerAnalysis(messageID: String, conversationID: String, reply: RPCResponder<TriggerAnalysisResult>) {
            if messageID == "full" {
                reply.fail(RPCError(code: .resourceExhausted, message: "analysis queue is full"))
            } else {
                reply.succeed(TriggerAnalysisResult(outcome: .queued, queueDepth: 1))
            }
        }
    }

    @Test func callsAreCountedByMethodAndCodeAndTimed() async throws {
        let metrics = TestMetrics()
        let server = RPCServer(
            configuration: RPCServer.Configuration(port: 0, token: "t0ken"),
            service: Handler(),
            logger: Logger(label: "test"),
            metricsFactory: metrics
        )
        try await withRunningService(server, listeningPort: server.listeningPort) { port in
            let client = try await ClusterdClient.connect(host: "127.0.0.1", port: port, token: "t0ken")
            for _ in 0..<3 { _ = try await client.status() }
            _ = try await client.triggerAnalysis(messageID: "m1")
            await #expect(throws: RPCError.self) { _ = try await client.triggerAnalysis(messageID: "full") }
            await client.close()
            await #expect(throws: RPCError.self) {
                _ = try await ClusterdClient.connect(host: "127.0.0.1", port: port, token: "wrong")
            }
        }

        func count(_ method: String, _ code: String) -> Int64 {
            metrics.counterTotal(
                label: "clusterd_rpc_requests_total",
                dimensions: [("method", method), ("code", code)]
            )
        }
        #expect(count("GetStatus", "OK") == 3)
        #expect(count("TriggerAnalysis", "OK") == 1)
        #expect(count("TriggerAnalysis", "RESOURCE_EXHAUSTED") == 1)
        #expect(count("Hello", "OK") == 1)
        #expect(count("Hello", "UNAUTHENTICATED") == 1)
        let statusTimes = try metrics.expectTimer("clusterd_rpc_request_duration_seconds", [("method", "GetStatus")])
        #expect(statusTimes.values.count == 3)
        #expect(statusTimes.values.allSatisfy { $0 > 0 && $0 < 5_000_000_000 })
        #expect(
            try metrics.expectTimer("clusterd_rpc_request_duration_seconds", [("method", "TriggerAnalysis")]).values
                .count == 2
        )
    }
}
