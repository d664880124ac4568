import ClusterdCore
import ClusterdRPC
import ClusterdReport
import ClusterdService
import Foundation

/// Connects the RPC server to the background service, one method per call: cheap calls are answered on the spot;
/// MongoDB reads (ListClusters, ListRuns, GetConversationCluster), erasures (ForgetMessages) and batch triggers run
/// on a queue of their own, never on an event loop.
struct ServiceRPCAdapter: RPCServiceHandler {
    let service: BackgroundClusteringService
    let readQueue: OperationQueue
    let statusReplies: StatusReplyCache

    init(service: BackgroundClusteringService) {
        self.service = service
        self.statusReplies = StatusReplyCache(service: service)
        let queue = OperationQueue()
        queue.name = "clusterd.rpc-reads"
        queue.maxConcurrentOperationCount = 2
        // Utility, not default QoS: default-QoS operations share the cooperative pool's threads on Linux, and these
        // block in MongoDB reads.
        queue.qualityOfService = .utility
        self.readQueue = queue
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
        offLoop(reply) { service throws(ServiceError) in
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

    func listRuns(limit: UInt32, reply: RPCResponder<[RunSummary]>) {
        let count = Self.runLimit(requested: limit)
        offLoop(reply) { service throws(ServiceError) in try service.listRuns(limit: count) }
    }

    func listClusters(runID: String, reply: RPCResponder<ClusterListing>) {
        offLoop(reply) { service throws(ServiceError) in try service.listClusters(runID: runID) }
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

    /// Runs `work` on the read queue (it blocks on MongoDB or takes long) and answers with its result.
    private func offLoop<Value>(
        _ reply: RPCResponder<Value>,
        _ work: @escaping @Sendable (BackgroundClusteringService) throws(ServiceError) -> Value
    ) {
        let service = self.service
        readQueue.addOperation {
            do throws(ServiceError) {
                reply.succeed(try work(service))
            } catch {
                reply.fail(Self.rpcError(error))
            }
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
