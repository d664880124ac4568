import CoreMetrics
import Metrics
import NIOCore
import Synchronization

/// The RPC server's metrics, recorded through swift-metrics: `clusterd_rpc_requests_total{method,code}` and
/// `clusterd_rpc_request_duration_seconds{method}` (time from a request's decoding to its reply being written).
///
/// The OK series of every method and every duration histogram are created up front, so recording a successful
/// call is one relaxed atomic add and one histogram update, with no lookup and no allocation; an error code's
/// series is created the first time that error is answered.
final class RPCMetrics: Sendable {
    static let requestsName = "clusterd_rpc_requests_total"
    static let durationName = "clusterd_rpc_request_duration_seconds"

    private let factory: any MetricsFactory
    /// By method; nil for `.invalid`, which never succeeds.
    private let succeeded: [Counter?]
    private let durations: [Timer]
    private let failed = Mutex<[Int: Counter]>([:])

    /// Creates the series on `factory`.
    init(factory: any MetricsFactory) {
        self.factory = factory
        succeeded = RPCMethod.allCases.map { method in
            guard method != .invalid else { return nil }
            return Counter(
                label: Self.requestsName,
                dimensions: [("method", method.label), ("code", RPCStatusCode.ok.description)],
                factory: factory
            )
        }
        durations = RPCMethod.allCases.map { method in
            Timer(label: Self.durationName, dimensions: [("method", method.label)], factory: factory)
        }
    }

    /// Records one answered call.
    @inline(__always)
    func record(_ method: RPCMethod, _ code: RPCStatusCode, since start: NIODeadline) {
        if code == .ok, let counter = succeeded[method.rawValue] {
            counter.increment()
        } else {
            counter(method, code).increment()
        }
        durations[method.rawValue].recordNanoseconds((NIODeadline.now() - start).nanoseconds)
    }

    private func counter(_ method: RPCMethod, _ code: RPCStatusCode) -> Counter {
        let key = method.rawValue << 8 | code.rawValue
        return failed.withLock { series in
            if let counter = series[key] { return counter }
            let counter = Counter(
                label: Self.requestsName,
                dimensions: [("method", method.label), ("code", code.description)],
                factory: factory
            )
            series[key] = counter
            return counter
        }
    }
}
