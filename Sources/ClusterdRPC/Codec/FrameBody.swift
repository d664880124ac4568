import ClusterdCore

/// The `oneof body` of a frame: every request and reply kind of protocol version 1.
public enum FrameBody: Sendable, Equatable {
    /// Opens a session (protocol version, client name, token).
    case hello(protocolVersion: UInt32, clientName: String, token: String)
    /// Accepts a Hello.
    case helloReply(protocolVersion: UInt32, serverVersion: String, maxFrameBytes: UInt32)
    /// "A message was created".
    case triggerAnalysis(messageID: String, conversationID: String)
    /// The trigger's outcome and the queue depth after it.
    case triggerAnalysisReply(TriggerOutcome, queueDepth: UInt32)
    /// Run a clustering now.
    case forceClustering
    /// Whether a run started or a follow-up was queued.
    case forceClusteringReply(started: Bool, followUpQueued: Bool, message: String)
    /// Ask for status.
    case getStatus
    /// The status. Indirect, like the listing: boxed, so a frame of any kind stays a few words long instead of
    /// copying the whole status (hundreds of bytes) each time a frame is passed along.
    indirect case getStatusReply(ServiceStatus)
    /// Ask for a run's clusters (empty id: latest successful run).
    case listClusters(runID: String)
    /// A run and its clusters.
    indirect case listClustersReply(ClusterListing)
    /// A failed call.
    case error(RPCError)
    /// Ask for the most recent runs of any status (0: the server's default of 20).
    case listRuns(limit: UInt32)
    /// Runs, newest first.
    case listRunsReply([RunSummary])
    /// Many triggers in one frame (a backfill).
    case triggerAnalysisBatch([TriggerItem])
    /// One result per batch item, in order, and the queue depth after the batch.
    case triggerAnalysisBatchReply([TriggerItemResult], queueDepth: UInt32)
    /// A body this version does not know (a newer client); answered with UNIMPLEMENTED.
    case unknown

    /// True for request kinds (sent by clients).
    public var isRequest: Bool {
        switch self {
        case .hello, .triggerAnalysis, .forceClustering, .getStatus, .listClusters, .listRuns, .triggerAnalysisBatch:
            return true
        case .helloReply, .triggerAnalysisReply, .forceClusteringReply, .getStatusReply, .listClustersReply, .error,
            .listRunsReply, .triggerAnalysisBatchReply, .unknown:
            return false
        }
    }
}

/// What a TriggerAnalysis did.
public enum TriggerOutcome: Int, Sendable, Equatable {
    /// Not set (a malformed reply).
    case unspecified = 0
    /// Put on the analysis queue.
    case queued = 1
    /// Already waiting or being analysed.
    case alreadyQueued = 2
    /// Counted only: background clustering is disabled.
    case recorded = 3
}

/// One frame: a call id and a body.
public struct RPCFrame: Sendable, Equatable {
    /// Chosen by the client, echoed by the server.
    public var callID: UInt64
    /// The body.
    public var body: FrameBody

    /// Creates a frame.
    public init(callID: UInt64, body: FrameBody) {
        self.callID = callID
        self.body = body
    }
}
