import ClusterdCore
import ClusterdRPC
import ClusterdService
import Foundation

/// Connects the RPC server to the background service: cheap calls are answered on the spot; MongoDB reads
/// (ListClusters, ListRuns) and batch triggers run on a queue of their own, never on an event loop.
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

    /// GetStatus from the shared packed reply (see `StatusReplyCache`); every other request goes to `handle`.
    func packedReply(to request: FrameBody, receivedAt: UInt64) -> PackedReply? {
        guard case .getStatus = request else { return nil }
        return statusReplies.reply(now: receivedAt)
    }

    func handle(_ request: FrameBody, respond: @escaping @Sendable (FrameBody) -> Void) {
        switch request {
        case .triggerAnalysis(let messageID, let conversationID):
            do {
                let result = try service.triggerAnalysis(
                    messageID: messageID,
                    conversationID: conversationID.isEmpty ? nil : conversationID
                )
                respond(
                    .triggerAnalysisReply(Self.outcome(result.outcome), queueDepth: UInt32(clamping: result.queueDepth))
                )
            } catch {
                respond(.error(Self.rpcError(error)))
            }
        case .forceClustering:
            let result = service.forceClustering()
            respond(
                .forceClusteringReply(
                    started: result.started,
                    followUpQueued: result.followUpQueued,
                    message: result.message
                )
            )
        case .getStatus:
            // Answered from `packedReply(to:receivedAt:)` by the server; here for a caller that asks `handle` itself.
            respond(.getStatusReply(service.status()))
        case .listClusters(let runID):
            let service = self.service
            readQueue.addOperation {
                do {
                    respond(.listClustersReply(try service.listClusters(runID: runID)))
                } catch let error as ServiceError {
                    respond(.error(Self.rpcError(error)))
                } catch {
                    respond(.error(RPCError(code: .internal, message: "\(error)")))
                }
            }
        case .listRuns(let limit):
            let service = self.service
            let count = limit == 0 ? Self.defaultRunLimit : min(Int(limit), Self.maxRunLimit)
            readQueue.addOperation {
                do throws(ServiceError) {
                    respond(.listRunsReply(try service.listRuns(limit: count)))
                } catch {
                    respond(.error(Self.rpcError(error)))
                }
            }
        case .triggerAnalysisBatch(let items):
            // Up to 10000 enqueues: cheap each, but together too long for an event loop, so off it.
            let service = self.service
            readQueue.addOperation {
                do throws(ServiceError) {
                    let batch = try service.triggerAnalyses(messageIDs: items.map(\.messageID))
                    let results = batch.results.map { result in
                        switch result {
                        case .success(let outcome): return TriggerItemResult(outcome: Self.outcome(outcome))
                        case .failure(let error):
                            return TriggerItemResult(outcome: .unspecified, error: Self.rpcError(error))
                        }
                    }
                    respond(.triggerAnalysisBatchReply(results, queueDepth: UInt32(clamping: batch.queueDepth)))
                } catch {
                    respond(.error(Self.rpcError(error)))
                }
            }
        case .hello, .helloReply, .triggerAnalysisReply, .forceClusteringReply, .getStatusReply, .listClustersReply,
            .listRunsReply, .triggerAnalysisBatchReply, .error, .unknown:
            respond(.error(RPCError(code: .invalidArgument, message: "not a request")))
        }
    }

    /// ListRuns with limit 0 returns this many runs.
    static let defaultRunLimit = 20
    /// ListRuns never returns more than this many runs.
    static let maxRunLimit = 1000

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
