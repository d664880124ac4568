/// The request kinds the server counts in its metrics (`method` label of `clusterd_rpc_requests_total`).
enum RPCMethod: Int, CaseIterable, Sendable {
    case hello
    case triggerAnalysis
    case forceClustering
    case getStatus
    case listClusters
    case listRuns
    case triggerAnalysisBatch
    case forgetMessages
    case getConversationCluster
    case exportAssignments
    case getTopicHistory
    case curateTopic
    case listCuration
    case getReport
    /// Undecodable frames, unknown body kinds and reply kinds sent as requests.
    case invalid

    /// The label value, e.g. "TriggerAnalysis".
    var label: String {
        switch self {
        case .hello: return "Hello"
        case .triggerAnalysis: return "TriggerAnalysis"
        case .forceClustering: return "ForceClustering"
        case .getStatus: return "GetStatus"
        case .listClusters: return "ListClusters"
        case .listRuns: return "ListRuns"
        case .triggerAnalysisBatch: return "TriggerAnalysisBatch"
        case .forgetMessages: return "ForgetMessages"
        case .getConversationCluster: return "GetConversationCluster"
        case .exportAssignments: return "ExportAssignments"
        case .getTopicHistory: return "GetTopicHistory"
        case .curateTopic: return "CurateTopic"
        case .listCuration: return "ListCuration"
        case .getReport: return "GetReport"
        case .invalid: return "Invalid"
        }
    }

    /// The method of a request.
    init(_ request: RPCRequest) {
        switch request {
        case .hello: self = .hello
        case .triggerAnalysis: self = .triggerAnalysis
        case .forceClustering: self = .forceClustering
        case .getStatus: self = .getStatus
        case .listClusters: self = .listClusters
        case .listRuns: self = .listRuns
        case .triggerAnalysisBatch: self = .triggerAnalysisBatch
        case .forgetMessages: self = .forgetMessages
        case .getConversationCluster: self = .getConversationCluster
        case .exportAssignments: self = .exportAssignments
        case .getTopicHistory: self = .getTopicHistory
        case .curateTopic: self = .curateTopic
        case .listCuration: self = .listCuration
        case .getReport: self = .getReport
        }
    }
}
