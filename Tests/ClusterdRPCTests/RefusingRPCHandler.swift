import ClusterdCore

@testable import ClusterdRPC

/// A test handler that refuses every call it does not implement itself with INVALID_ARGUMENT "not here", so a test
/// handler spells out only the calls its test drives.
protocol RefusingRPCHandler: RPCServiceHandler {}

/// The refusal every unimplemented call of a `RefusingRPCHandler` answers with.
let notHere = RPCError(code: .invalidArgument, message: "not here")

extension RefusingRPCHandler {
    /// Refused.
    func triggerAnalysis(messageID: String, conversationID: String, reply: RPCResponder<TriggerAnalysisResult>) {
        reply.fail(notHere)
    }

    /// Refused.
    func triggerAnalysisBatch(_ items: [TriggerItem], reply: RPCResponder<TriggerAnalysisBatchResult>) {
        reply.fail(notHere)
    }

    /// Refused.
    func forceClustering(reply: RPCResponder<ForceClusteringResult>) { reply.fail(notHere) }

    /// Refused.
    func getStatus(reply: RPCResponder<ServiceStatus>) { reply.fail(notHere) }

    /// Refused.
    func listRuns(limit: UInt32, page: PageRequest, reply: RPCResponder<RunPage>) { reply.fail(notHere) }

    /// Refused.
    func listClusters(runID: String, page: PageRequest, reply: RPCResponder<ClusterPage>) { reply.fail(notHere) }

    /// Refused.
    func forgetMessages(messageIDs: [String], conversationID: String, reply: RPCResponder<ForgetMessagesResult>) {
        reply.fail(notHere)
    }

    /// Refused.
    func getConversationCluster(conversationID: String, reply: RPCResponder<ConversationPlacement>) {
        reply.fail(notHere)
    }

    /// Refused.
    func getReport(_ request: ReportPageRequest, reply: RPCResponder<ReportPage>) { reply.fail(notHere) }
}
