import ClusterdCore
import ClusterdReport
import ClusterdService

/// What the HTTP gateway asks of the service behind it. Every method but `metricsText()`, the erasures,
/// `conversationCluster(id:)`, the curation calls and `reportModel` answers from memory at once and is called on an
/// event loop; `metricsText()` may read files (/proc) and the others block on MongoDB, so they are called on a queue
/// of their own.
public protocol HTTPGatewayBackend: Sendable {
    /// The status (the seed's document plus the operator's fields).
    func status() -> ServiceStatus
    /// Runs a clustering now, whatever the trigger rules and the schedule say.
    func forceClustering() -> ForceResult
    /// Queues a message for analysis, as the RPC trigger does.
    func triggerAnalysis(messageID: String) throws(ServiceError) -> TriggerResult
    /// Erases what the service holds about one message (ForgetMessages). Blocks on MongoDB: called off the event
    /// loops.
    func forgetMessage(id: String) throws(ServiceError) -> ErasureCounts
    /// Erases what the service holds about one conversation (ForgetMessages). Blocks on MongoDB: called off the
    /// event loops.
    func forgetConversation(id: String) throws(ServiceError) -> ErasureCounts
    /// Where a conversation sits (GetConversationCluster). Blocks on MongoDB: called off the event loops.
    func conversationCluster(id: String) throws(ServiceError) -> ConversationPlacement
    /// Carries out a hand-curation change by `who` and logs it (CurateTopic). Blocks on MongoDB: called off the
    /// event loops.
    func curate(_ request: CurationRequest, by who: String) throws(ServiceError) -> CurationOutcome
    /// The curated topics (of `stableID` only, when given) and up to `limit` changes, newest first (ListCuration).
    /// Blocks on MongoDB: called off the event loops.
    func curationLog(stableID: String?, limit: Int) throws(ServiceError) -> CurationLog
    /// The topic report's model of a run (the latest successful one when nil). Blocks on MongoDB: called off the
    /// event loops.
    func reportModel(runID: String?, includeText: Bool) throws(ServiceError) -> ReportModel
    /// Whether the service takes work.
    func readiness() -> Readiness
    /// The Prometheus text exposition; nil when metrics are switched off.
    func metricsText() -> String?
}

/// The production backend: the background service, and the metrics exposition the executable provides.
public struct ServiceGatewayBackend: HTTPGatewayBackend {
    private let service: BackgroundClusteringService
    private let metrics: (@Sendable () -> String)?

    /// Serves `service`; `metrics` renders the Prometheus text (nil when metrics are off).
    public init(service: BackgroundClusteringService, metrics: (@Sendable () -> String)?) {
        self.service = service
        self.metrics = metrics
    }

    /// The service's status.
    public func status() -> ServiceStatus { service.status() }

    /// The service's ForceClustering.
    public func forceClustering() -> ForceResult { service.forceClustering() }

    /// The service's trigger (no conversation id: the seed's endpoint has none).
    public func triggerAnalysis(messageID: String) throws(ServiceError) -> TriggerResult {
        try service.triggerAnalysis(messageID: messageID, conversationID: nil)
    }

    /// The service's erasure of one message.
    public func forgetMessage(id: String) throws(ServiceError) -> ErasureCounts {
        try service.forgetMessages(ids: [id])
    }

    /// The service's erasure of one conversation.
    public func forgetConversation(id: String) throws(ServiceError) -> ErasureCounts {
        try service.forgetConversation(id: id)
    }

    /// The service's placement of one conversation.
    public func conversationCluster(id: String) throws(ServiceError) -> ConversationPlacement {
        try service.conversationCluster(id: id)
    }

    /// The service's curation.
    public func curate(_ request: CurationRequest, by who: String) throws(ServiceError) -> CurationOutcome {
        try service.curate(request, by: who)
    }

    /// The service's curation log.
    public func curationLog(stableID: String?, limit: Int) throws(ServiceError) -> CurationLog {
        try service.curationLog(stableID: stableID, limit: limit)
    }

    /// The service's report model.
    public func reportModel(runID: String?, includeText: Bool) throws(ServiceError) -> ReportModel {
        try service.reportModel(runID: runID, includeText: includeText)
    }

    /// The service's readiness.
    public func readiness() -> Readiness { service.readiness() }

    /// The state gauges refreshed, then the exposition.
    public func metricsText() -> String? {
        guard let metrics else { return nil }
        service.updateMetricGauges()
        return metrics()
    }
}
