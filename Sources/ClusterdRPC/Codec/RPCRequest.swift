/// A request a client sends: every call of protocol version 1.
public enum RPCRequest: Sendable, Equatable {
    /// Opens a session (protocol version, client name, token).
    case hello(protocolVersion: UInt32, clientName: String, token: String)
    /// "A message was created".
    case triggerAnalysis(messageID: String, conversationID: String)
    /// Many triggers in one frame (a backfill).
    case triggerAnalysisBatch([TriggerItem])
    /// Run a clustering now.
    case forceClustering
    /// Ask for status.
    case getStatus
    /// Ask for a run's clusters (empty id: latest successful run).
    case listClusters(runID: String)
    /// Ask for the most recent runs of any status (0: the server's default of 20).
    case listRuns(limit: UInt32)
    /// Erase what clusterd holds about messages (ids) or one conversation (a data-erasure request).
    case forgetMessages(messageIDs: [String], conversationID: String)
    /// Ask where a conversation sits: its cluster path in the latest successful run, provisional or not.
    case getConversationCluster(conversationID: String)
    /// Ask for one page of the topic report's model.
    case getReport(ReportPageRequest)
}
