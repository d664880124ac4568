import ClusterdCore
import ClusterdRPC
import ClusterdStore
import ClusterdTestSupport
import CoreMetrics
import Foundation
import Metrics
import NIOCore
import Prometheus
import Testing

/// What recording metrics costs on the RPC path (`make bench-metrics`): the per-call recording in process against
/// the Prometheus backend, and TriggerAnalysis/GetStatus throughput and latency of two release servers, one with
/// metrics and one with `CLUSTERD_METRICS=off`, measured in alternating rounds. Numbers are printed, not asserted
/// (the machine is shared and noisy).
@Suite(
    "Metrics cost",
    .serialized,
    .timeLimit(.minutes(20)),
    .enabled(if: ProcessInfo.processInfo.environment["CLUSTERD_BENCH_METRICS"] == "1")
)
struct MetricsCostTests {
    @Test("recording one RPC (counter + histogram with 15 buckets) against the Prometheus backend, in ns")
    func recordingCost() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["rpc"] = [
            .microseconds(10), .microseconds(25), .microseconds(50), .microseconds(100), .microseconds(250),
            .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
        ]
        let counter = Counter(label: "calls", dimensions: [("method", "GetStatus"), ("code", "OK")], factory: factory)
        let timer = Timer(label: "rpc", dimensions: [("method", "GetStatus")], factory: factory)
        let iterations = 2_000_000
        func measure(_ body: () -> Void) -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<iterations { body() }
            return Double(DispatchTime.now().uptimeNanoseconds - start) / Double(iterations)
        }
        var sink: Int64 = 0
        var baseline: [Double] = []
        var recorded: [Double] = []
        for _ in 0..<5 {
            baseline.append(
                measure {
                    let start = NIODeadline.now()
                    sink &+= (NIODeadline.now() - start).nanoseconds
                }
            )
            recorded.append(
                measure {
                    let start = NIODeadline.now()
                    counter.increment()
                    timer.recordNanoseconds((NIODeadline.now() - start).nanoseconds)
                }
            )
        }
        let base = baseline.sorted()[2]
        let full = recorded.sorted()[2]
        print(
            String(
                format: "metrics recording per RPC call: %.0f ns (two clock reads alone %.0f ns; recording %.0f ns) "
                    + "[median of 5 × %d]",
                full,
                base,
                full - base,
                iterations
            )
        )
        #expect(sink != 42)
        #expect(registry.emitToString().contains("calls{method=\"GetStatus\",code=\"OK\"} 10000000"))
    }

    @Test("TriggerAnalysis and GetStatus with metrics on and off, alternating rounds")
    func onVersusOff() async throws {
        // Background clustering off: a trigger is recorded and nothing else runs, so only the RPC path is measured
        // (no analysis or MongoDB writes competing for the two cores).
        let common = ["BACKGROUND_CLUSTERING_ENABLED": "false", "CLUSTERD_TICK_SECONDS": "60"]
        let on = try await ServerProcess.start(store: try EmbeddedMongo.configuration(), environment: common)
        var offEnvironment = common
        offEnvironment["CLUSTERD_METRICS"] = "off"
        let off = try await ServerProcess.start(store: try EmbeddedMongo.configuration(), environment: offEnvironment)
        let workloads: [(String, Int, Int, Bool)] = [
            ("status c=16 d=16", 16, 16, false), ("trigger c=16 d=16", 16, 16, true),
            ("status c=1 d=1", 1, 1, false), ("trigger c=1 d=1", 1, 1, true),
        ]
        var results: [String: [String: [LoadGenerator.Result]]] = [:]
        let rounds = 5
        for round in 0..<rounds {
            for (label, connections, depth, trigger) in workloads {
                // Alternate which server goes first, so drift on the machine falls on both.
                let order = round % 2 == 0 ? [("on", on), ("off", off)] : [("off", off), ("on", on)]
                for (name, server) in order {
                    let result = try await LoadGenerator.run(
                        LoadGenerator.Plan(
                            port: server.port,
                            connections: connections,
                            depth: depth,
                            duration: .seconds(3)
                        )
                    ) { connection, sequence in
                        trigger ? .triggerAnalysis(messageID: "m-\(connection)-\(sequence)", conversationID: "") : .getStatus
                    }
                    #expect(result.errors.isEmpty && result.unanswered == 0, "\(name) \(label)")
                    results[label, default: [:]][name, default: []].append(result)
                }
            }
        }
        print("metrics cost on the RPC path (release build, \(rounds) alternating rounds of 3 s, medians):")
        print("workload               metrics   req/s   p50 µs  p99 µs   (per-round req/s)")
        for (label, _, _, _) in workloads {
            var medians: [String: Double] = [:]
            for name in ["on", "off"] {
                let runs = results[label]?[name] ?? []
                let throughput = runs.map(\.throughput).sorted()
                let p50 = runs.map { $0.microseconds(50) }.sorted()
                let p99 = runs.map { $0.microseconds(99) }.sorted()
                medians[name] = throughput[throughput.count / 2]
                print(
                    label.padding(toLength: 22, withPad: " ", startingAt: 0)
                        + String(
                            format: " %-7@ %7.0f %8.0f %7.0f   (%@)",
                            name as NSString,
                            throughput[throughput.count / 2],
                            p50[p50.count / 2],
                            p99[p99.count / 2],
                            runs.map { String(format: "%.0f", $0.throughput) }.joined(separator: " ") as NSString
                        )
                )
            }
            print(String(format: "  %@: on/off throughput %.3f", label as NSString, medians["on"]! / medians["off"]!))
        }
        await on.terminate()
        await off.terminate()
    }
}
