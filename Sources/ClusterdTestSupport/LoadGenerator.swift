import ClusterdRPC
import Foundation
import Histogram
import NIOCore
import NIOPosix
import Synchronization

/// Drives a length-prefixed protobuf server with N connections, each keeping `depth` calls outstanding
/// (closed loop) for a bounded time, and measures every call's latency in an HDR histogram.
public enum LoadGenerator {
    /// One load run's shape.
    public struct Plan: Sendable {
        /// Server port on 127.0.0.1.
        public var port: Int
        /// Connections opened at once.
        public var connections: Int
        /// Calls outstanding per connection (1 = request/reply, 16 = pipelined).
        public var depth: Int
        /// How long calls are started for; outstanding ones are then awaited (bounded by `drainTimeout`).
        public var duration: Duration
        /// Most calls in all (a second bound besides the time).
        public var maxCalls: Int
        /// How long to wait for outstanding replies after `duration`.
        public var drainTimeout: Duration
        /// Calls per second across all connections; nil for as fast as replies come (closed loop).
        public var rate: Double?

        /// Creates a plan.
        public init(
            port: Int,
            connections: Int,
            depth: Int,
            duration: Duration,
            maxCalls: Int = 10_000_000,
            drainTimeout: Duration = .seconds(10),
            rate: Double? = nil
        ) {
            self.port = port
            self.connections = connections
            self.depth = depth
            self.duration = duration
            self.maxCalls = maxCalls
            self.drainTimeout = drainTimeout
            self.rate = rate
        }
    }

    /// What a run measured.
    public struct Result: Sendable {
        /// Replies received.
        public var replies: Int
        /// Error replies by code.
        public var errors: [RPCStatusCode: Int]
        /// Replies whose call id was not outstanding on their connection (must be 0).
        public var unmatched: Int
        /// Calls that never got a reply before the drain timeout.
        public var unanswered: Int
        /// Connections that failed or closed early.
        public var brokenConnections: Int
        /// Latency in nanoseconds.
        public var latency: Histogram<UInt64>
        /// Wall time from first send to last reply.
        public var elapsed: Duration

        /// Replies per second.
        public var throughput: Double {
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return seconds > 0 ? Double(replies) / seconds : 0
        }

        /// A percentile in microseconds.
        public func microseconds(_ percentile: Double) -> Double {
            Double(latency.valueAtPercentile(percentile)) / 1000
        }

        /// What breaks the load contract, one line each (empty when the run was correct): replies matched to no
        /// call, calls never answered, broken connections, errors other than RESOURCE_EXHAUSTED, no reply at all.
        public var problems: [String] {
            var found: [String] = []
            if unmatched > 0 { found.append("\(unmatched) replies with unknown call ids") }
            if unanswered > 0 { found.append("\(unanswered) calls never answered") }
            if brokenConnections > 0 { found.append("\(brokenConnections) connections broke") }
            let unexpected = errors.filter { $0.key != .resourceExhausted }
            if !unexpected.isEmpty { found.append("unexpected errors \(unexpected)") }
            if replies == 0 { found.append("no replies at all") }
            return found
        }
    }

    /// Runs `plan`, building each call's body with `body(connection, sequence)`, on client event loops of its own
    /// (`clientThreads` threads, connections spread round-robin; one thread takes at most one core from the server).
    public static func run(
        _ plan: Plan,
        clientThreads: Int = 1,
        body: @escaping @Sendable (Int, Int) -> RPCRequest
    ) async throws -> Result {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, clientThreads))
        do {
            let result = try await run(plan, on: group, body: body)
            try? await group.shutdownGracefully()
            return result
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private static func run(
        _ plan: Plan,
        on group: MultiThreadedEventLoopGroup,
        body: @escaping @Sendable (Int, Int) -> RPCRequest
    ) async throws -> Result {
        let shared = SharedBudget(maxCalls: plan.maxCalls)
        let start = NIODeadline.now()
        let stopSending =
            start
            + .nanoseconds(
                Int64(plan.duration.components.seconds) * 1_000_000_000
                    + plan.duration.components.attoseconds / 1_000_000_000
            )
        let interval: TimeAmount? = plan.rate.map { rate in
            .nanoseconds(Int64(Double(plan.connections) / rate * 1e9))
        }
        // Open loop: connection i's calls are due at pacingStart + (i + k·connections) / rate, so the calls of all
        // connections interleave evenly instead of leaving in bursts of `connections` at once. The schedule starts
        // after the connections are set up (connecting is not part of any call's latency).
        let pacingStart = start + .milliseconds(50)
        let spacing = plan.rate.map { TimeAmount.nanoseconds(Int64(1e9 / $0)) }
        var futures: [(LoadConnectionHandler, EventLoopFuture<LoadConnectionHandler.Outcome>)] = []
        for index in 0..<plan.connections {
            let eventLoop = group.next()
            let promise = eventLoop.makePromise(of: LoadConnectionHandler.Outcome.self)
            let handler = LoadConnectionHandler(
                connection: index,
                depth: plan.depth,
                stopSending: stopSending,
                interval: interval,
                firstDue: spacing.map { pacingStart + .nanoseconds($0.nanoseconds * Int64(index)) } ?? start,
                budget: shared,
                body: body,
                done: promise
            )
            let bootstrap = ClientBootstrap(group: eventLoop)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(.seconds(10))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(FrameDecoder(maxFrameBytes: 64 << 20))
                        )
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                }
            bootstrap.connect(host: "127.0.0.1", port: plan.port).whenFailure { error in
                promise.fail(error)
            }
            futures.append((handler, promise.futureResult))
        }
        let drain = plan.drainTimeout
        let drainNanos = Int64(drain.components.seconds) * 1_000_000_000 + drain.components.attoseconds / 1_000_000_000
        var result = Result(
            replies: 0,
            errors: [:],
            unmatched: 0,
            unanswered: 0,
            brokenConnections: 0,
            latency: Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three),
            elapsed: .zero
        )
        var lastReply = start
        for (handler, future) in futures {
            let timeout = future.eventLoop.scheduleTask(deadline: stopSending + .nanoseconds(drainNanos)) {
                handler.abandon()
            }
            do {
                let outcome = try await future.get()
                timeout.cancel()
                result.replies += outcome.replies
                result.unmatched += outcome.unmatched
                result.unanswered += outcome.unanswered
                if outcome.broken { result.brokenConnections += 1 }
                for (code, count) in outcome.errors { result.errors[code, default: 0] += count }
                result.latency.add(outcome.latency)
                if outcome.lastReply > lastReply { lastReply = outcome.lastReply }
            } catch {
                timeout.cancel()
                result.brokenConnections += 1
            }
        }
        result.elapsed = .nanoseconds(lastReply.uptimeNanoseconds - start.uptimeNanoseconds)
        return result
    }
}

/// The calls all connections may still start, shared across event loops.
final class SharedBudget: Sendable {
    private let remaining: Atomic<Int>

    init(maxCalls: Int) {
        remaining = Atomic(maxCalls)
    }

    /// Takes one call from the budget; false when it is spent.
    func take() -> Bool {
        remaining.subtract(1, ordering: .relaxed).newValue >= 0
    }
}
