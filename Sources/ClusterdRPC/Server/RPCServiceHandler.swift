import ClusterdCore

/// What the server asks of the service behind it: one method per call (Hello is answered by the server itself).
///
/// Implementations must not block: answer at once for cheap calls, or move blocking work to their own queues and
/// answer later (from any thread). Each method answers through its responder exactly once.
public protocol RPCServiceHandler: Sendable {
    /// TriggerAnalysis: queue a message for analysis (never waits for the analysis).
    func triggerAnalysis(messageID: String, conversationID: String, reply: RPCResponder<TriggerAnalysisResult>)

    /// TriggerAnalysisBatch: decide many triggers in order; one result per item.
    func triggerAnalysisBatch(_ items: [TriggerItem], reply: RPCResponder<TriggerAnalysisBatchResult>)

    /// ForceClustering: run a clustering now, or queue one follow-up.
    func forceClustering(reply: RPCResponder<ForceClusteringResult>)

    /// GetStatus, when `packedReply(to:receivedAt:)` has no packed reply.
    func getStatus(reply: RPCResponder<ServiceStatus>)

    /// ListRuns: the most recent runs of any status, newest first (`limit` 0: the server's default).
    func listRuns(limit: UInt32, reply: RPCResponder<[RunSummary]>)

    /// ListClusters: a run's clusters (empty id: the latest successful run).
    func listClusters(runID: String, reply: RPCResponder<ClusterListing>)

    /// ForgetMessages: erase what clusterd holds about messages (ids) or one conversation (a non-empty id).
    func forgetMessages(messageIDs: [String], conversationID: String, reply: RPCResponder<ForgetMessagesResult>)

    /// GetConversationCluster: where a conversation sits (its cluster path in the latest successful run, or its
    /// provisional placement since).
    func getConversationCluster(conversationID: String, reply: RPCResponder<ConversationPlacement>)

    /// GetReport: one page of the topic report's model (the model built once per run and cut into pages).
    func getReport(_ request: ReportPageRequest, reply: RPCResponder<ReportPage>)

    /// A reply packed ahead of time for `request`, when the handler keeps one (a snapshot many calls share); nil
    /// sends the request to its method. Called on an event loop: it must answer at once. `receivedAt` is when the
    /// request was decoded, in monotonic-clock nanoseconds (saves reading the clock again).
    func packedReply(to request: RPCRequest, receivedAt: UInt64) -> PackedReply?
}

extension RPCServiceHandler {
    /// No packed replies: every request goes to its method.
    public func packedReply(to request: RPCRequest, receivedAt: UInt64) -> PackedReply? { nil }

    /// Sends `request` to its method; `complete` gets the reply. Hello is the server's, so it is refused here.
    func dispatch(_ request: RPCRequest, complete: @escaping @Sendable (RPCReply) -> Void) {
        switch request {
        case .triggerAnalysis(let messageID, let conversationID):
            triggerAnalysis(
                messageID: messageID,
                conversationID: conversationID,
                reply: RPCResponder(wrap: RPCReply.triggerAnalysis, complete: complete)
            )
        case .triggerAnalysisBatch(let items):
            triggerAnalysisBatch(items, reply: RPCResponder(wrap: RPCReply.triggerAnalysisBatch, complete: complete))
        case .forceClustering:
            forceClustering(reply: RPCResponder(wrap: RPCReply.forceClustering, complete: complete))
        case .getStatus:
            getStatus(reply: RPCResponder(wrap: RPCReply.getStatus, complete: complete))
        case .listRuns(let limit):
            listRuns(limit: limit, reply: RPCResponder(wrap: RPCReply.listRuns, complete: complete))
        case .listClusters(let runID):
            listClusters(runID: runID, reply: RPCResponder(wrap: RPCReply.listClusters, complete: complete))
        case .forgetMessages(let messageIDs, let conversationID):
            forgetMessages(
                messageIDs: messageIDs,
                conversationID: conversationID,
                reply: RPCResponder(wrap: RPCReply.forgetMessages, complete: complete)
            )
        case .getConversationCluster(let conversationID):
            getConversationCluster(
                conversationID: conversationID,
                reply: RPCResponder(wrap: RPCReply.getConversationCluster, complete: complete)
            )
        case .getReport(let page):
            getReport(page, reply: RPCResponder(wrap: RPCReply.getReport, complete: complete))
        case .hello:
            complete(.error(RPCError(code: .internal, message: "Hello is answered by the server")))
        }
    }
}
