import CoreMetrics
import Metrics
import NIOCore

/// The RPC server's metrics, recorded through swift-metrics: `clusterd_rpc_requests_total{method,code}` and
/// `clusterd_rpc_request_duration_seconds{method}` (time from a request's decoding to its reply being written).
///
/// Every (method, code) series is created up front, so recording is one relaxed atomic add and one histogram
/// update, with no lookup and no allocation on the request path.
final class RPCMetrics: Sendable {
    static let requestsName = "clusterd_rpc_requests_total"
    static let durationName = "clusterd_rpc_request_duration_seconds"
    static let codes: [RPCStatusCode] = [
        .ok, .invalidArgument, .notFound, .resourceExhausted, .failedPrecondition, .unimplemented, .internal,
        .unavailable, .unauthenticated,
    ]

    private let requests: [Counter]
    private let durations: [Timer]

    /// Creates every series on `factory`.
    init(factory: any MetricsFactory) {
        var requests: [Counter] = []
        var durations: [Timer] = []
        for method in RPCMethod.allCases {
            for code in Self.codes {
                requests.append(
                    Counter(
                        label: Self.requestsName,
                        dimensions: [("method", method.label), ("code", code.description)],
                        factory: factory
                    )
                )
            }
            durations.append(Timer(label: Self.durationName, dimensions: [("method", method.label)], factory: factory))
        }
        self.requests = requests
        self.durations = durations
    }

    /// Records one answered call.
    @inline(__always)
    func record(_ method: RPCMethod, _ code: RPCStatusCode, since start: NIODeadline) {
        requests[method.rawValue * Self.codes.count + Self.index(code)].increment()
        durations[method.rawValue].recordNanoseconds((NIODeadline.now() - start).nanoseconds)
    }

    @inline(__always)
    private static func index(_ code: RPCStatusCode) -> Int {
        switch code {
        case .ok: return 0
        case .invalidArgument: return 1
        case .notFound: return 2
        case .resourceExhausted: return 3
        case .failedPrecondition: return 4
        case .unimplemented: return 5
        case .internal: return 6
        case .unavailable: return 7
        case .unauthenticated: return 8
        }
    }

    /// The code a reply carries.
    static func code(of body: FrameBody) -> RPCStatusCode {
        if case .error(let error) = body { return error.code }
        return .ok
    }
}
