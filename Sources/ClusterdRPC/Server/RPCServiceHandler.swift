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

    /// ListRuns: a page of the most recent runs of any status, newest first (`limit` 0: the server's default).
    func listRuns(limit: UInt32, page: PageRequest, reply: RPCResponder<RunPage>)

    /// ListClusters: a page of a run's clusters (empty id: the latest successful run).
    func listClusters(runID: String, page: PageRequest, reply: RPCResponder<ClusterPage>)

    /// ForgetMessages: erase what clusterd holds about messages (ids) or one conversation (a non-empty id).
    func forgetMessages(messageIDs: [String], conversationID: String, reply: RPCResponder<ForgetMessagesResult>)

    /// GetConversationCluster: where a conversation sits (its cluster path in the latest successful run, or its
    /// provisional placement since).
    func getConversationCluster(conversationID: String, reply: RPCResponder<ConversationPlacement>)

    /// ExportAssignments: one page of a run's assignments or provisional placements, after a cursor.
    func exportAssignments(_ request: ExportRequest, reply: RPCResponder<ExportPage>)

    /// GetTopicHistory: a topic's size, name and lineage in each retained successful run, newest first.
    func getTopicHistory(stableID: String, level: UInt32?, reply: RPCResponder<TopicHistory>)

    /// CurateTopic: change a topic's hand curation, logged as made by `caller`.
    func curateTopic(_ request: CurationRequest, caller: RPCCaller, reply: RPCResponder<CurationOutcome>)

    /// ListCuration: the curated topics and the curation log, newest first.
    func listCuration(stableID: String, limit: UInt32, reply: RPCResponder<CurationLog>)
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

    /// A handler without exports answers UNIMPLEMENTED.
    public func exportAssignments(_ request: ExportRequest, reply: RPCResponder<ExportPage>) {
        reply.fail(Self.unimplemented("ExportAssignments"))
    }

    /// A handler without topic history answers UNIMPLEMENTED.
    public func getTopicHistory(stableID: String, level: UInt32?, reply: RPCResponder<TopicHistory>) {
        reply.fail(Self.unimplemented("GetTopicHistory"))
    }

    /// A handler without curation answers UNIMPLEMENTED.
    public func curateTopic(_ request: CurationRequest, caller: RPCCaller, reply: RPCResponder<CurationOutcome>) {
        reply.fail(Self.unimplemented("CurateTopic"))
    }

    /// A handler without curation answers UNIMPLEMENTED.
    public func listCuration(stableID: String, limit: UInt32, reply: RPCResponder<CurationLog>) {
        reply.fail(Self.unimplemented("ListCuration"))
    }

    /// The error of a call this handler does not serve.
    private static func unimplemented(_ call: String) -> RPCError {
        RPCError(code: .unimplemented, message: "\(call) is not served here")
    }

    /// Sends `request` from `caller` to its method; `complete` gets the reply, and the method sees `cancellation`
    /// (the connection closed) through its responder. Hello is the server's, so it is refused here.
    func dispatch(
        _ request: RPCRequest,
        caller: RPCCaller = .local,
        cancellation: CallCancellation? = nil,
        complete: @escaping @Sendable (RPCReply) -> Void
    ) {
        func responder<Value>(_ wrap: @escaping @Sendable (Value) -> RPCReply) -> RPCResponder<Value> {
            RPCResponder(wrap: wrap, complete: complete, cancellation: cancellation)
        }
        switch request {
        case .triggerAnalysis(let messageID, let conversationID):
            triggerAnalysis(
                messageID: messageID,
                conversationID: conversationID,
                reply: responder(RPCReply.triggerAnalysis)
            )
        case .triggerAnalysisBatch(let items):
            triggerAnalysisBatch(items, reply: responder(RPCReply.triggerAnalysisBatch))
        case .forceClustering:
            forceClustering(reply: responder(RPCReply.forceClustering))
        case .getStatus:
            getStatus(reply: responder(RPCReply.getStatus))
        case .listRuns(let limit, let page):
            listRuns(limit: limit, page: page, reply: responder(RPCReply.listRuns))
        case .listClusters(let runID, let page):
            listClusters(runID: runID, page: page, reply: responder(RPCReply.listClusters))
        case .forgetMessages(let messageIDs, let conversationID):
            forgetMessages(
                messageIDs: messageIDs,
                conversationID: conversationID,
                reply: responder(RPCReply.forgetMessages)
            )
        case .getConversationCluster(let conversationID):
            getConversationCluster(
                conversationID: conversationID,
                reply: responder(RPCReply.getConversationCluster)
            )
        case .exportAssignments(let export):
            exportAssignments(export, reply: responder(RPCReply.exportAssignments))
        case .getTopicHistory(let stableID, let level):
            getTopicHistory(
                stableID: stableID,
                level: level,
                reply: responder(RPCReply.getTopicHistory)
            )
        case .curateTopic(let call):
            curateTopic(call, caller: caller, reply: responder(RPCReply.curateTopic))
        case .listCuration(let stableID, let limit):
            listCuration(
                stableID: stableID,
                limit: limit,
                reply: responder(RPCReply.listCuration)
            )
        case .getReport(let page):
            getReport(page, reply: responder(RPCReply.getReport))
        case .hello:
            complete(.error(RPCError(code: .internal, message: "Hello is answered by the server")))
        }
    }
}
