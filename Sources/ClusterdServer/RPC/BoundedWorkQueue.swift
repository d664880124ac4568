import ClusterdRPC
import CoreMetrics
import Foundation
import Synchronization

/// An `OperationQueue` with a bound on the calls queued or running on it: `submit` refuses a call beyond the bound
/// (the caller answers RESOURCE_EXHAUSTED) instead of letting the queue grow while MongoDB is slow or down. When
/// `dropsCancelled` is set, a call whose connection closed while it waited is dropped, not run, and counted in
/// `clusterd_rpc_dropped_calls_total{queue}`.
final class BoundedWorkQueue: Sendable {
    /// The counter of dropped calls.
    static let droppedName = "clusterd_rpc_dropped_calls_total"

    private let queue: OperationQueue
    /// Most calls queued or running.
    let limit: Int
    private let dropsCancelled: Bool
    private let pending = Atomic<Int>(0)
    private let droppedCalls = Atomic<Int>(0)
    private let dropped: Counter

    /// A queue named `name` running `width` calls at once, holding at most `limit` (utility QoS: default-QoS
    /// operations share the cooperative pool's threads on Linux, and these block).
    init(name: String, width: Int, limit: Int, dropsCancelled: Bool, metricsFactory: any MetricsFactory) {
        let queue = OperationQueue()
        queue.name = name
        queue.maxConcurrentOperationCount = width
        queue.qualityOfService = .utility
        self.queue = queue
        self.limit = max(1, limit)
        self.dropsCancelled = dropsCancelled
        self.dropped = Counter(label: Self.droppedName, dimensions: [("queue", name)], factory: metricsFactory)
    }

    /// Calls queued or running now.
    var depth: Int { pending.load(ordering: .relaxed) }

    /// Calls dropped so far because their connection had closed.
    var droppedCount: Int { droppedCalls.load(ordering: .relaxed) }

    /// Queues `work` for the call `reply` answers; false (nothing queued) when the queue is full. A dropped call's
    /// responder is still answered (the connection has closed, so nothing is written).
    func submit<Value>(_ reply: RPCResponder<Value>, _ work: @escaping @Sendable () -> Void) -> Bool {
        guard pending.add(1, ordering: .relaxed).newValue <= limit else {
            pending.subtract(1, ordering: .relaxed)
            return false
        }
        let dropsCancelled = self.dropsCancelled
        queue.addOperation { [self] in
            defer { pending.subtract(1, ordering: .relaxed) }
            guard !(dropsCancelled && reply.isCancelled) else {
                droppedCalls.add(1, ordering: .relaxed)
                dropped.increment()
                reply.fail(RPCError(code: .unavailable, message: "the connection closed before the call ran"))
                return
            }
            work()
        }
        return true
    }
}
