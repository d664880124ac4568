// What recording metrics costs per RPC call, measured in a release build (make bench-metrics): the RPC server
// reads the clock when a request is decoded and again when its reply is written, increments
// clusterd_rpc_requests_total{method,code} and records clusterd_rpc_request_duration_seconds{method}. This program
// does exactly that in a loop against the Prometheus backend clusterd bootstraps, against swift-metrics' no-op
// backend (what CLUSTERD_METRICS=off leaves), and with the clock reads alone, and prints nanoseconds per call.
import ClusterdMetrics
import CoreMetrics
import Dispatch
import Foundation
import Metrics
import NIOCore
import Prometheus

let iterations = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 5_000_000
let rounds = 7

/// Median nanoseconds per iteration of `body` over `rounds` rounds.
func measure(_ body: () -> Void) -> Double {
    var samples: [Double] = []
    for _ in 0..<rounds {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { body() }
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(iterations))
    }
    return samples.sorted()[rounds / 2]
}

let registry = PrometheusCollectorRegistry()
let prometheus = ClusterdMetricsFactory(registry: registry)
let noop = NOOPMetricsHandler.instance

func series(_ factory: any MetricsFactory) -> (CoreMetrics.Counter, CoreMetrics.Timer) {
    (
        CoreMetrics.Counter(
            label: "clusterd_rpc_requests_total",
            dimensions: [("method", "GetStatus"), ("code", "OK")],
            factory: factory
        ),
        CoreMetrics.Timer(
            label: "clusterd_rpc_request_duration_seconds",
            dimensions: [("method", "GetStatus")],
            factory: factory
        )
    )
}

let (prometheusCounter, prometheusTimer) = series(prometheus)
let (noopCounter, noopTimer) = series(noop)
var sink: Int64 = 0

let clockOnly = measure {
    let start = NIODeadline.now()
    sink &+= (NIODeadline.now() - start).nanoseconds
}
let withNoop = measure {
    let start = NIODeadline.now()
    noopCounter.increment()
    noopTimer.recordNanoseconds((NIODeadline.now() - start).nanoseconds)
}
let withPrometheus = measure {
    let start = NIODeadline.now()
    prometheusCounter.increment()
    prometheusTimer.recordNanoseconds((NIODeadline.now() - start).nanoseconds)
}
// Two threads recording into the same series at once (the histogram takes a lock).
let contended: Double = {
    let group = DispatchGroup()
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<2 {
        group.enter()
        Thread.detachNewThread {
            for _ in 0..<iterations {
                let begin = NIODeadline.now()
                prometheusCounter.increment()
                prometheusTimer.recordNanoseconds((NIODeadline.now() - begin).nanoseconds)
            }
            group.leave()
        }
    }
    group.wait()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / Double(iterations)
}()

print("metrics recording per RPC call (median of \(rounds) rounds × \(iterations) calls, one thread):")
print(String(format: "  clock reads only (done with metrics off too)  %6.1f ns", clockOnly))
print(String(format: "  no-op backend (CLUSTERD_METRICS=off)          %6.1f ns", withNoop))
print(String(format: "  Prometheus backend (default)                  %6.1f ns", withPrometheus))
let recordingCost: Double = withPrometheus - withNoop
print(String(format: "  => recording costs %.1f ns per call over the no-op backend", recordingCost))
print(String(format: "  two threads on the same series: %.1f ns per call pair (wall)", contended))
let exposition = registry.emitToString()
guard exposition.contains("clusterd_rpc_requests_total{method=\"GetStatus\",code=\"OK\"}") else {
    fatalError("the Prometheus series were not recorded")
}
if sink == 42 { print("") }
