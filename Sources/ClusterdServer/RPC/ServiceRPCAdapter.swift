import ClusterdCore
import ClusterdRPC
import ClusterdReport
import ClusterdService
import CoreMetrics
import Foundation
import Metrics

/// Connects the RPC server to the background service, one method per call: cheap calls are answered on the spot;
/// MongoDB reads and writes (ListClusters, ListRuns, GetConversationCluster, ExportAssignments, GetTopicHistory,
/// CurateTopic, ListCuration) and erasures (ForgetMessages) run on the bounded read queue (RESOURCE_EXHAUSTED when
/// full; calls of a closed connection dropped), batch triggers on a lane of their own (they never touch MongoDB, so
/// they do not wait behind reads during an outage), never on an event loop. List replies are cut into pages
/// (`ListPaging`).
struct ServiceRPCAdapter: RPCServiceHandler {
    let service: BackgroundClusteringService
    let readQueue: BoundedWorkQueue
    let batchQueue: BoundedWorkQueue
    let statusReplies: StatusReplyCache
    let paging: ListPaging

    /// An adapter with the read queue's bound and the list pages of `configuration`.
    init(
        service: BackgroundClusteringService,
        configuration: RPCServer.Configuration = RPCServer.Configuration(),
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.service = service
        self.statusReplies = StatusReplyCache(service: service)
        self.readQueue = BoundedWorkQueue(
            name: "clusterd.rpc-reads",
            width: 2,
            limit: configuration.readQueueLimit,
            dropsCancelled: true,
            metricsFactory: metricsFactory
        )
        // Triggers a client sent are not dropped when it goes (they are cheap, and the sweep would find them anyway).
        self.batchQueue = BoundedWorkQueue(
            name: "clusterd.rpc-batches",
            width: 1,
            limit: configuration.readQueueLimit,
            dropsCancelled: false,
            metricsFactory: metricsFactory
        )
        self.paging = ListPaging(pageSize: configuration.listPageSize, maxReplyBytes: configuration.maxReplyBytes)
    }

    /// GetStatus from the shared packed reply (see `StatusReplyCache`); every other request goes to its method.
    func packedReply(to request: RPCRequest, receivedAt: UInt64) -> PackedReply? {
        guard case .getStatus = request else { return nil }
        return statusReplies.reply(now: receivedAt)
    }

    func triggerAnalysis(messageID: String, conversationID: String, reply: RPCResponder<TriggerAnalysisResult>) {
        do {
            let result = try service.triggerAnalysis(
                messageID: messageID,
                conversationID: conversationID.isEmpty ? nil : conversationID
            )
            reply.succeed(
                TriggerAnalysisResult(
                    outcome: Self.outcome(result.outcome),
                    queueDepth: UInt32(clamping: result.queueDepth)
                )
            )
        } catch {
            reply.fail(Self.rpcError(error))
        }
    }

    func triggerAnalysisBatch(_ items: [TriggerItem], reply: RPCResponder<TriggerAnalysisBatchResult>) {
        // Up to 10000 enqueues: cheap each, but together too long for an event loop, so off it.
        offLoop(reply, on: batchQueue) { service throws(ServiceError) in
            let batch = try service.triggerAnalyses(messageIDs: items.map(\.messageID))
            let results = batch.results.map { result in
                switch result {
                case .success(let outcome): return TriggerItemResult(outcome: Self.outcome(outcome))
                case .failure(let error): return TriggerItemResult(outcome: .unspecified, error: Self.rpcError(error))
                }
            }
            return TriggerAnalysisBatchResult(results: results, queueDepth: UInt32(clamping: batch.queueDepth))
        }
    }

    func forceClustering(reply: RPCResponder<ForceClusteringResult>) {
        let result = service.forceClustering()
        reply.succeed(
            ForceClusteringResult(
                started: result.started,
                followUpQueued: result.followUpQueued,
                message: result.message
            )
        )
    }

    /// Answered from `packedReply(to:receivedAt:)` by the server; here for a caller that asks for it directly.
    func getStatus(reply: RPCResponder<ServiceStatus>) {
        reply.succeed(service.status())
    }

    func listRuns(limit: UInt32, page: PageRequest, reply: RPCResponder<RunPage>) {
        let count = Self.runLimit(requested: limit)
        let paging = self.paging
        offLoop(reply) { service throws(ServiceError) in try paging.runs(service.listRuns(limit: count), page: page) }
    }

    func listClusters(runID: String, page: PageRequest, reply: RPCResponder<ClusterPage>) {
        let paging = self.paging
        offLoop(reply) { service throws(ServiceError) in
            let run = try ListPaging.runID(of: page) ?? runID
            guard runID.isEmpty || run == runID else {
                throw ServiceError(.invalidArgument, "the page token belongs to another run than run_id")
            }
            return try paging.clusters(service.listClusters(runID: run), page: page)
        }
    }

    func forgetMessages(messageIDs: [String], conversationID: String, reply: RPCResponder<ForgetMessagesResult>) {
        offLoop(reply) { service throws(ServiceError) in
            let counts: ErasureCounts
            switch (messageIDs.isEmpty, conversationID.isEmpty) {
            case (false, false):
                throw ServiceError(.invalidArgument, "give message ids or a conversation id, not both")
            case (true, false):
                counts = try service.forgetConversation(id: conversationID)
            case (false, true), (true, true):
                counts = try service.forgetMessages(ids: messageIDs)
            }
            return ForgetMessagesResult(
                analysesErased: UInt64(counts.analyses),
                assignmentsErased: UInt64(counts.assignments),
                clustersScrubbed: UInt64(counts.clusters)
            )
        }
    }

    func getConversationCluster(conversationID: String, reply: RPCResponder<ConversationPlacement>) {
        offLoop(reply) { service throws(ServiceError) in try service.conversationCluster(id: conversationID) }
    }

    func exportAssignments(_ request: ExportRequest, reply: RPCResponder<ExportPage>) {
        offLoop(reply) { service throws(ServiceError) in
            try service.exportPage(
                runID: request.runID,
                provisional: request.provisional,
                after: request.after,
                limit: Int(request.limit)
            )
        }
    }

    func getTopicHistory(stableID: String, level: UInt32?, reply: RPCResponder<TopicHistory>) {
        offLoop(reply) { service throws(ServiceError) in
            TopicHistory(
                stableID: stableID,
                entries: try service.topicHistory(stableID: stableID, level: level.map { Int($0) })
            )
        }
    }

    func curateTopic(_ request: CurationRequest, caller: RPCCaller, reply: RPCResponder<CurationOutcome>) {
        offLoop(reply) { service throws(ServiceError) in try service.curate(request, by: caller.who) }
    }

    func listCuration(stableID: String, limit: UInt32, reply: RPCResponder<CurationLog>) {
        offLoop(reply) { service throws(ServiceError) in
            try service.curationLog(
                stableID: stableID.isEmpty ? nil : stableID,
                limit: limit == 0 ? 100 : min(Int(limit), 1000)
            )
        }
    }

    func getReport(_ request: ReportPageRequest, reply: RPCResponder<ReportPage>) {
        offLoop(reply) { service throws(ServiceError) in
            let model = try service.reportModel(runID: request.runID, includeText: !request.noText)
            let page: (json: String, next: Int)
            do {
                page = try model.encodedPage(offset: Int(request.offset), limit: Int(request.limit))
            } catch {
                throw ServiceError(.invalidArgument, "the report could not be encoded: \(error)")
            }
            return ReportPage(
                runID: model.run.id,
                totalClusters: UInt32(clamping: model.clusters.count),
                nextOffset: UInt32(clamping: page.next),
                modelJSON: page.json
            )
        }
    }

    /// Runs `work` on `queue` (the read queue unless told: it blocks on MongoDB or takes long) and answers with its
    /// result; RESOURCE_EXHAUSTED at once when the queue is full.
    private func offLoop<Value>(
        _ reply: RPCResponder<Value>,
        on queue: BoundedWorkQueue? = nil,
        _ work: @escaping @Sendable (BackgroundClusteringService) throws(ServiceError) -> Value
    ) {
        let service = self.service
        let queue = queue ?? readQueue
        let queued = queue.submit(reply) {
            do throws(ServiceError) {
                reply.succeed(try work(service))
            } catch {
                reply.fail(Self.rpcError(error))
            }
        }
        if !queued {
            reply.fail(
                RPCError(
                    code: .resourceExhausted,
                    message: "the server's queue for this call is full (\(queue.limit) calls); retry later"
                )
            )
        }
    }

    /// ListRuns with limit 0 returns this many runs.
    static let defaultRunLimit = 20
    /// ListRuns never returns more than this many runs.
    static let maxRunLimit = 1000

    /// How many runs ListRuns returns for a requested `limit`: the default for 0, at most `maxRunLimit`.
    static func runLimit(requested limit: UInt32) -> Int {
        limit == 0 ? defaultRunLimit : min(Int(limit), maxRunLimit)
    }

    static func outcome(_ kind: TriggerOutcomeKind) -> TriggerOutcome {
        switch kind {
        case .queued: return .queued
        case .alreadyQueued: return .alreadyQueued
        case .recorded: return .recorded
        }
    }

    /// Domain errors to wire codes, in one place.
    static func rpcError(_ error: ServiceError) -> RPCError {
        switch error.code {
        case .queueFull: return RPCError(code: .resourceExhausted, message: error.message)
        case .invalidArgument: return RPCError(code: .invalidArgument, message: error.message)
        case .notFound: return RPCError(code: .notFound, message: error.message)
        case .storeUnavailable: return RPCError(code: .unavailable, message: error.message)
        case .stopping: return RPCError(code: .unavailable, message: error.message)
        }
    }
}
