import ClusterdCore
import ClusterdRPC
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

/// What recording metrics costs on the RPC path (`make bench-metrics`, which also runs the release
/// `clusterd-metrics-bench` for the per-call recording cost): TriggerAnalysis/GetStatus throughput, latency and server
/// CPU per call of two release servers, one with metrics and one with `CLUSTERD_METRICS=off`, measured in alternating
/// rounds. Numbers are printed, not asserted (the machine is shared and noisy).
@Suite(
    "Metrics cost",
    .serialized,
    .timeLimit(.minutes(20)),
    .enabled(if: ProcessInfo.processInfo.environment["CLUSTERD_BENCH_METRICS"] == "1")
)
struct MetricsCostTests {
    @Test("TriggerAnalysis and GetStatus with metrics on and off, alternating rounds")
    func onVersusOff() async throws {
        // Background clustering off: a trigger is recorded and nothing else runs, so only the RPC path is measured
        // (no analysis or MongoDB writes competing for the two cores).
        let common = ["BACKGROUND_CLUSTERING_ENABLED": "false", "CLUSTERD_TICK_SECONDS": "60"]
        let on = try await ServerProcess.start(store: try EmbeddedMongo.configuration(), environment: common)
        var offEnvironment = common
        offEnvironment["CLUSTERD_METRICS"] = "off"
        let off = try await ServerProcess.start(store: try EmbeddedMongo.configuration(), environment: offEnvironment)
        // Optionally a third server from a build without any metrics code (the "before"), e.g. the previous commit.
        var servers = [("on", on), ("off", off)]
        if let baseline = ProcessInfo.processInfo.environment["CLUSTERD_BENCH_BASELINE_BIN"], !baseline.isEmpty {
            let before = try await ServerProcess.start(
                store: try EmbeddedMongo.configuration(),
                environment: common,
                binary: baseline
            )
            servers.append(("before", before))
        }
        let workloads: [(String, Int, Int, Bool)] = [
            ("status c=16 d=16", 16, 16, false), ("trigger c=16 d=16", 16, 16, true),
            ("status c=1 d=1", 1, 1, false), ("trigger c=1 d=1", 1, 1, true),
        ]
        var results: [String: [String: [LoadGenerator.Result]]] = [:]
        var cpuPerCall: [String: [String: [Double]]] = [:]
        let rounds = 5
        for round in 0..<rounds {
            for (label, connections, depth, trigger) in workloads {
                // Alternate which server goes first, so drift on the machine falls on both.
                let order = round % 2 == 0 ? servers : Array(servers.reversed())
                for (name, server) in order {
                    let usage = ProcessUsage(serverPID: server.child.pid)
                    let started = ContinuousClock.now
                    let result = try await LoadGenerator.run(
                        LoadGenerator.Plan(
                            port: server.port,
                            connections: connections,
                            depth: depth,
                            duration: .seconds(3)
                        )
                    ) { connection, sequence in
                        trigger
                            ? .triggerAnalysis(messageID: "m-\(connection)-\(sequence)", conversationID: "")
                            : .getStatus
                    }
                    #expect(result.errors.isEmpty && result.unanswered == 0, "\(name) \(label)")
                    let wall = ContinuousClock.now - started
                    let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
                    let microseconds = usage.delta().serverCPU * seconds / Double(max(1, result.replies)) * 1e6
                    results[label, default: [:]][name, default: []].append(result)
                    cpuPerCall[label, default: [:]][name, default: []].append(microseconds)
                }
            }
        }
        print("metrics cost on the RPC path (release build, \(rounds) alternating rounds of 3 s, medians):")
        print("workload               metrics   req/s   p50 µs  p99 µs  server CPU µs/call   (per-round req/s)")
        for (label, _, _, _) in workloads {
            var medians: [String: Double] = [:]
            var cpuMedians: [String: Double] = [:]
            for (name, _) in servers {
                let runs = results[label]?[name] ?? []
                let throughput = runs.map(\.throughput).sorted()
                let p50 = runs.map { $0.microseconds(50) }.sorted()
                let p99 = runs.map { $0.microseconds(99) }.sorted()
                let cpu = (cpuPerCall[label]?[name] ?? [0]).sorted()
                medians[name] = throughput[throughput.count / 2]
                cpuMedians[name] = cpu[cpu.count / 2]
                print(
                    label.padding(toLength: 22, withPad: " ", startingAt: 0)
                        + String(
                            format: " %-7@ %7.0f %8.0f %7.0f  %18.1f   (%@)",
                            name as NSString,
                            throughput[throughput.count / 2],
                            p50[p50.count / 2],
                            p99[p99.count / 2],
                            cpu[cpu.count / 2],
                            runs.map { String(format: "%.0f", $0.throughput) }.joined(separator: " ") as NSString
                        )
                )
            }
            print(
                String(
                    format: "  %@: on/off throughput %.3f, server CPU per call %+.1f µs",
                    label as NSString,
                    medians["on"]! / medians["off"]!,
                    cpuMedians["on"]! - cpuMedians["off"]!
                )
            )
            if let before = medians["before"], let cpuBefore = cpuMedians["before"] {
                print(
                    String(
                        format: "  %@: on/before throughput %.3f, server CPU per call %+.1f µs",
                        label as NSString,
                        medians["on"]! / before,
                        cpuMedians["on"]! - cpuBefore
                    )
                )
            }
        }
        for (_, server) in servers { await server.terminate() }
    }
}
