/// How one message's analysis ended.
enum AnalysisOutcome: Equatable, Sendable {
    /// Analysed and saved.
    case analysed
    /// Not in MongoDB yet: retried after this many seconds (the id stays pending).
    case retryLater(Double)
    /// Failed (recorded in MongoDB).
    case failed
    /// MongoDB was unavailable.
    case storeDown
    /// Already analysed with the current embedder and prompt version: nothing done.
    case upToDate
    /// Another process holds a live claim on it: left to that process.
    case claimedElsewhere

    /// Retried later (the id stays pending).
    var isRetry: Bool {
        if case .retryLater = self { return true }
        return false
    }

    /// The `result` label it is counted under.
    var metricResult: ServiceMetrics.AnalysisResult {
        switch self {
        case .analysed: return .success
        case .retryLater: return .retry
        case .failed: return .failure
        case .storeDown: return .storeUnavailable
        case .upToDate: return .upToDate
        case .claimedElsewhere: return .claimedElsewhere
        }
    }
}
