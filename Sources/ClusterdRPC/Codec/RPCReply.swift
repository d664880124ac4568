import ClusterdCore

/// A reply the server sends: the answer to each call of protocol version 1, or an error.
public enum RPCReply: Sendable, Equatable {
    /// Accepts a Hello.
    case hello(protocolVersion: UInt32, serverVersion: String, maxFrameBytes: UInt32)
    /// The trigger's outcome and the queue depth after it.
    case triggerAnalysis(TriggerAnalysisResult)
    /// One result per batch item, in order, and the queue depth after the batch.
    case triggerAnalysisBatch(TriggerAnalysisBatchResult)
    /// Whether a run started or a follow-up was queued.
    case forceClustering(ForceClusteringResult)
    /// The status. Indirect, like the listing: boxed, so a frame of any kind stays a few words long instead of
    /// copying the whole status (hundreds of bytes) each time a frame is passed along.
    indirect case getStatus(ServiceStatus)
    /// A run and a page of its clusters.
    indirect case listClusters(ClusterPage)
    /// A page of runs, newest first.
    indirect case listRuns(RunPage)
    /// How much a ForgetMessages erased.
    case forgetMessages(ForgetMessagesResult)
    /// Where a conversation sits (boxed, like the listing).
    indirect case getConversationCluster(ConversationPlacement)
    /// One page of an export (boxed, like the listing).
    indirect case exportAssignments(ExportPage)
    /// A topic across runs (boxed).
    indirect case getTopicHistory(TopicHistory)
    /// The logged curation change and what it does (boxed).
    indirect case curateTopic(CurationOutcome)
    /// The curated topics and the log (boxed).
    indirect case listCuration(CurationLog)
    /// One page of the topic report's model (boxed: it carries up to hundreds of KiB of JSON text).
    indirect case getReport(ReportPage)
    /// A failed call.
    case error(RPCError)

    /// The status code the reply carries (OK unless it is an error), for the request metrics.
    public var code: RPCStatusCode {
        if case .error(let error) = self { return error.code }
        return .ok
    }
}
