import ClusterdCore
import NIOCore
import NIOPosix
import Synchronization

/// A Swift client for clusterd: one TCP connection, pipelined calls matched by call id.
public final class ClusterdClient: Sendable {
    private let channel: Channel
    private let handler: NIOLoopBound<ClientHandler>
    private let nextCallID = Atomic<UInt64>(1)
    /// The server's version from its HelloReply.
    public let serverVersion: String

    private init(channel: Channel, handler: NIOLoopBound<ClientHandler>, serverVersion: String) {
        self.channel = channel
        self.handler = handler
        self.serverVersion = serverVersion
    }

    /// Connects, sends Hello (with the token, if any) and waits for the HelloReply.
    /// Failures are `RPCError`s; an unreachable server is UNAVAILABLE ("cannot connect to HOST:PORT: …").
    public static func connect(
        host: String,
        port: Int,
        token: String? = nil,
        clientName: String = "swift-client",
        timeout: Duration = .seconds(5),
        maxFrameBytes: UInt32 = 64 << 20
    ) async throws -> ClusterdClient {
        let group = MultiThreadedEventLoopGroup.singleton
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(
                TimeAmount.nanoseconds(
                    Int64(timeout.components.seconds) * 1_000_000_000
                        + timeout.components.attoseconds / 1_000_000_000
                )
            )
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
        let channel: Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            throw RPCError(code: .unavailable, message: "cannot connect to \(host):\(port): \(describe(error))")
        }
        let handler = try await channel.eventLoop.submit {
            let handler = ClientHandler()
            try channel.pipeline.syncOperations.addHandler(
                ByteToMessageHandler(FrameDecoder(maxFrameBytes: maxFrameBytes))
            )
            try channel.pipeline.syncOperations.addHandler(handler)
            return NIOLoopBound(handler, eventLoop: channel.eventLoop)
        }.get()
        let provisional = ClusterdClient(channel: channel, handler: handler, serverVersion: "")
        do {
            let reply = try await provisional.call(
                .hello(protocolVersion: WireCodec.protocolVersion, clientName: clientName, token: token ?? ""),
                timeout: timeout
            )
            guard case .helloReply(_, let serverVersion, _) = reply else {
                throw RPCError(code: .internal, message: "unexpected reply to Hello")
            }
            return ClusterdClient(channel: channel, handler: handler, serverVersion: serverVersion)
        } catch {
            try? await channel.close()
            throw error
        }
    }

    private static func describe(_ error: Error) -> String {
        if let error = error as? NIOConnectionError, let first = error.connectionErrors.first {
            return describe(first.error)
        }
        if let error = error as? IOError {
            return String(cString: strerror(error.errnoCode)).lowercased()
        }
        if error is ChannelError { return "connection timed out" }
        return "\(error)"
    }

    /// Sends one request and waits for its reply; an Error reply is thrown as `RPCError`.
    public func call(_ body: FrameBody, timeout: Duration = .seconds(30)) async throws -> FrameBody {
        let callID = nextCallID.add(1, ordering: .relaxed).oldValue
        let buffer = FrameEncoding.buffer(for: RPCFrame(callID: callID, body: body), allocator: channel.allocator)
        let eventLoop = channel.eventLoop
        let promise = eventLoop.makePromise(of: RPCFrame.self)
        let handler = self.handler
        let channel = self.channel
        let nanoseconds =
            Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        eventLoop.execute {
            guard handler.value.register(callID: callID, promise: promise) else { return }
            channel.writeAndFlush(buffer, promise: nil)
            let task = eventLoop.scheduleTask(in: .nanoseconds(nanoseconds)) {
                handler.value.expire(
                    callID: callID,
                    error: RPCError(code: .unavailable, message: "no reply within \(timeout)")
                )
            }
            promise.futureResult.whenComplete { _ in task.cancel() }
        }
        let reply = try await promise.futureResult.get()
        if case .error(let error) = reply.body { throw error }
        return reply.body
    }

    /// TriggerAnalysis: queue a message for analysis.
    public func triggerAnalysis(messageID: String, conversationID: String = "") async throws -> TriggerOutcome {
        let reply = try await call(.triggerAnalysis(messageID: messageID, conversationID: conversationID))
        guard case .triggerAnalysisReply(let outcome, _) = reply else { throw Self.unexpected(reply) }
        return outcome
    }

    /// ForceClustering: returns (started, followUpQueued, message).
    public func forceClustering() async throws -> (started: Bool, followUpQueued: Bool, message: String) {
        let reply = try await call(.forceClustering)
        guard case .forceClusteringReply(let started, let followUp, let message) = reply else {
            throw Self.unexpected(reply)
        }
        return (started, followUp, message)
    }

    /// GetStatus.
    public func status() async throws -> ServiceStatus {
        let reply = try await call(.getStatus)
        guard case .getStatusReply(let status) = reply else { throw Self.unexpected(reply) }
        return status
    }

    /// ListClusters: the latest successful run's clusters, or those of `runID`.
    public func listClusters(runID: String = "") async throws -> ClusterListing {
        let reply = try await call(.listClusters(runID: runID))
        guard case .listClustersReply(let listing) = reply else { throw Self.unexpected(reply) }
        return listing
    }

    /// ListRuns: the most recent runs of any status, newest first (`limit` 0: the server's default of 20).
    public func listRuns(limit: Int = 0) async throws -> [RunSummary] {
        let reply = try await call(.listRuns(limit: UInt32(clamping: max(0, limit))))
        guard case .listRunsReply(let runs) = reply else { throw Self.unexpected(reply) }
        return runs
    }

    /// TriggerAnalysisBatch: queues many messages in one frame; one result per item, in order, plus the queue
    /// depth after the batch. The whole call fails (INVALID_ARGUMENT) only for an empty or over-10000-item batch.
    public func triggerAnalysisBatch(_ items: [TriggerItem]) async throws -> (
        results: [TriggerItemResult], queueDepth: Int
    ) {
        let reply = try await call(.triggerAnalysisBatch(items))
        guard case .triggerAnalysisBatchReply(let results, let depth) = reply, results.count == items.count else {
            throw Self.unexpected(reply)
        }
        return (results, Int(depth))
    }

    /// Closes the connection.
    public func close() async {
        try? await channel.close()
    }

    private static func unexpected(_ body: FrameBody) -> RPCError {
        RPCError(code: .internal, message: "unexpected reply kind: \(body)")
    }
}
