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

    /// Connects (over TLS when `tls` is set), sends Hello (with the token, if any) and waits for the HelloReply.
    /// Failures are `RPCError`s; an unreachable server is UNAVAILABLE ("cannot connect to HOST:PORT: …"), a failed
    /// TLS handshake UNAVAILABLE ("TLS handshake failed: …").
    public static func connect(
        host: String,
        port: Int,
        token: String? = nil,
        clientName: String = "swift-client",
        timeout: Duration = .seconds(5),
        maxFrameBytes: UInt32 = 64 << 20,
        tls: ClientTLSOptions? = nil
    ) async throws -> ClusterdClient {
        let tlsContext = try tls?.makeContext()
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
            if let tls, let tlsContext {
                try channel.pipeline.syncOperations.addHandler(tls.makeHandler(context: tlsContext, host: host))
            }
            try channel.pipeline.syncOperations.addHandler(
                ByteToMessageHandler(FrameDecoder(maxFrameBytes: maxFrameBytes))
            )
            try channel.pipeline.syncOperations.addHandler(handler)
            return NIOLoopBound(handler, eventLoop: channel.eventLoop)
        }.get()
        let provisional = ClusterdClient(channel: channel, handler: handler, serverVersion: "")
        do {
            let reply = try await provisional.call(
                RPCRequest.hello(
                    protocolVersion: WireCodec.protocolVersion,
                    clientName: clientName,
                    token: token ?? ""
                ),
                timeout: timeout
            )
            guard case .hello(_, let serverVersion, _) = reply else {
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
    public func call(_ request: RPCRequest, timeout: Duration = .seconds(30)) async throws -> RPCReply {
        try await call(message: .request(request), timeout: timeout)
    }

    /// Sends any frame body (also a reply kind or an unknown one, as a hostile or newer peer would) and waits for
    /// the reply; an Error reply is thrown as `RPCError`.
    public func call(message: RPCMessage, timeout: Duration = .seconds(30)) async throws -> RPCReply {
        let callID = nextCallID.add(1, ordering: .relaxed).oldValue
        let buffer = FrameEncoding.buffer(for: RPCFrame(callID: callID, body: message), allocator: channel.allocator)
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
        let frame = try await promise.futureResult.get()
        switch frame.body {
        case .reply(.error(let error)): throw error
        case .reply(let reply): return reply
        case .request, .unknown, .oversizedBatch, .invalidRequest:
            throw RPCError(code: .internal, message: "the server sent a non-reply body")
        }
    }

    /// TriggerAnalysis: queue a message for analysis.
    public func triggerAnalysis(messageID: String, conversationID: String = "") async throws -> TriggerOutcome {
        let reply = try await call(.triggerAnalysis(messageID: messageID, conversationID: conversationID))
        guard case .triggerAnalysis(let result) = reply else { throw Self.unexpected(reply) }
        return result.outcome
    }

    /// ForceClustering: returns (started, followUpQueued, message).
    public func forceClustering() async throws -> (started: Bool, followUpQueued: Bool, message: String) {
        let reply = try await call(.forceClustering)
        guard case .forceClustering(let result) = reply else { throw Self.unexpected(reply) }
        return (result.started, result.followUpQueued, result.message)
    }

    /// GetStatus.
    public func status() async throws -> ServiceStatus {
        let reply = try await call(.getStatus)
        guard case .getStatus(let status) = reply else { throw Self.unexpected(reply) }
        return status
    }

    /// ListClusters: the latest successful run's clusters, or those of `runID`, all pages of them (`pageSize` 0: the
    /// server's page size).
    public func listClusters(runID: String = "", pageSize: UInt32 = 0) async throws -> ClusterListing {
        var listing: ClusterListing?
        var token = ""
        repeat {
            let reply = try await call(.listClusters(runID: runID, page: PageRequest(token: token, size: pageSize)))
            guard case .listClusters(let page) = reply else { throw Self.unexpected(reply) }
            if listing == nil { listing = page.listing } else { listing!.clusters += page.listing.clusters }
            token = try Self.next(page.nextPageToken, after: token)
        } while !token.isEmpty
        return listing!
    }

    /// ListRuns: the most recent runs of any status, newest first (`limit` 0: the server's default of 20), all pages
    /// of them (`pageSize` 0: the server's page size).
    public func listRuns(limit: Int = 0, pageSize: UInt32 = 0) async throws -> [RunSummary] {
        var runs: [RunSummary] = []
        var token = ""
        repeat {
            let page = PageRequest(token: token, size: pageSize)
            let reply = try await call(.listRuns(limit: UInt32(clamping: max(0, limit)), page: page))
            guard case .listRuns(let page) = reply else { throw Self.unexpected(reply) }
            runs += page.runs
            token = try Self.next(page.nextPageToken, after: token)
        } while !token.isEmpty
        return runs
    }

    /// The next page's token; a server that hands back the token it was given would loop forever, so that fails.
    private static func next(_ token: String, after previous: String) throws(RPCError) -> String {
        guard token.isEmpty || token != previous else {
            throw RPCError(code: .internal, message: "the server repeated page token \(token)")
        }
        return token
    }

    /// ForgetMessages: erases what clusterd holds about these messages (a data-erasure request).
    public func forgetMessages(ids: [String]) async throws -> ForgetMessagesResult {
        try await forget(.forgetMessages(messageIDs: ids, conversationID: ""))
    }

    /// ForgetMessages: erases what clusterd holds about one conversation (analyses, assignments in every run,
    /// cluster references).
    public func forgetConversation(id: String) async throws -> ForgetMessagesResult {
        try await forget(.forgetMessages(messageIDs: [], conversationID: id))
    }

    private func forget(_ request: RPCRequest) async throws -> ForgetMessagesResult {
        let reply = try await call(request)
        guard case .forgetMessages(let result) = reply else { throw Self.unexpected(reply) }
        return result
    }

    /// GetConversationCluster: where a conversation sits, its cluster path (base cluster first) in the latest
    /// successful run, or its provisional placement since. NOT_FOUND when it has neither or no run succeeded yet.
    public func conversationCluster(id: String) async throws -> ConversationPlacement {
        let reply = try await call(.getConversationCluster(conversationID: id))
        guard case .getConversationCluster(let placement) = reply else { throw Self.unexpected(reply) }
        return placement
    }

    /// ExportAssignments: one page of a run's export (its assignments, or with `provisional` the provisional
    /// placements since); ask again with the page's `nextAfter` and the same (resolved) run id until `done`.
    public func exportPage(_ request: ExportRequest) async throws -> ExportPage {
        let reply = try await call(.exportAssignments(request))
        guard case .exportAssignments(let page) = reply else { throw Self.unexpected(reply) }
        return page
    }

    /// GetTopicHistory: a topic's size, name and lineage events in each retained successful run, newest first.
    public func topicHistory(stableID: String, level: UInt32? = nil) async throws -> TopicHistory {
        let reply = try await call(.getTopicHistory(stableID: stableID, level: level))
        guard case .getTopicHistory(let history) = reply else { throw Self.unexpected(reply) }
        return history
    }

    /// CurateTopic: rename, pin, unpin or merge a topic; the logged change and what it does.
    public func curateTopic(_ request: CurationRequest) async throws -> CurationOutcome {
        let reply = try await call(.curateTopic(request))
        guard case .curateTopic(let outcome) = reply else { throw Self.unexpected(reply) }
        return outcome
    }

    /// ListCuration: the curated topics and the curation log, newest first (of one topic when `stableID` is not
    /// empty; `limit` 0: 100).
    public func curationLog(stableID: String = "", limit: UInt32 = 0) async throws -> CurationLog {
        let reply = try await call(.listCuration(stableID: stableID, limit: limit))
        guard case .listCuration(let log) = reply else { throw Self.unexpected(reply) }
        return log
    }

    /// GetReport: one page of the topic report's model (see `ReportPageRequest`); fetch pages from offset 0 until
    /// `nextOffset` reaches `totalClusters`, naming the first page's run in the later ones.
    public func reportPage(_ request: ReportPageRequest) async throws -> ReportPage {
        let reply = try await call(.getReport(request))
        guard case .getReport(let page) = reply else { throw Self.unexpected(reply) }
        return page
    }

    /// TriggerAnalysisBatch: queues many messages in one frame; one result per item, in order, plus the queue
    /// depth after the batch. The whole call fails (INVALID_ARGUMENT) only for an empty or over-10000-item batch.
    public func triggerAnalysisBatch(_ items: [TriggerItem]) async throws -> (
        results: [TriggerItemResult], queueDepth: Int
    ) {
        let reply = try await call(.triggerAnalysisBatch(items))
        guard case .triggerAnalysisBatch(let batch) = reply, batch.results.count == items.count else {
            throw Self.unexpected(reply)
        }
        return (batch.results, Int(batch.queueDepth))
    }

    /// Closes the connection.
    public func close() async {
        try? await channel.close()
    }

    private static func unexpected(_ reply: RPCReply) -> RPCError {
        RPCError(code: .internal, message: "unexpected reply kind: \(reply)")
    }
}
