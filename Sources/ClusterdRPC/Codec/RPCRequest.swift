import ClusterdCore

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
    /// Ask for a page of a run's clusters (empty id: latest successful run).
    case listClusters(runID: String, page: PageRequest = PageRequest())
    /// Ask for a page of the most recent runs of any status (0: the server's default of 20, over all pages).
    case listRuns(limit: UInt32, page: PageRequest = PageRequest())
    /// Erase what clusterd holds about messages (ids) or one conversation (a data-erasure request).
    case forgetMessages(messageIDs: [String], conversationID: String)
    /// Ask where a conversation sits: its cluster path in the latest successful run, provisional or not.
    case getConversationCluster(conversationID: String)
    /// Ask for a page of a run's export (its assignments or provisional placements, after a cursor).
    indirect case exportAssignments(ExportRequest)
    /// Ask for a topic's size, name and lineage in each retained successful run (only clusters at `level`, if given).
    case getTopicHistory(stableID: String, level: UInt32?)
    /// Change a topic's hand curation (rename, pin, unpin, merge).
    indirect case curateTopic(CurationRequest)
    /// Ask for the curated topics and the curation log (of one topic when the id is not empty; limit 0: 100).
    case listCuration(stableID: String, limit: UInt32)
    /// Ask for one page of the topic report's model.
    case getReport(ReportPageRequest)
}
