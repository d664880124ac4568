import ClusterdCore
import CoreMetrics
import Foundation
import Metrics
import Synchronization

/// The background service's metrics, recorded through swift-metrics (the executable picks the backend).
///
/// Counters and histograms are recorded as work finishes; the gauges are set from the in-memory state by
/// `BackgroundClusteringService.updateMetricGauges()`, which the metrics endpoint calls before each scrape, so
/// nothing is recorded on the trigger path.
final class ServiceMetrics: Sendable {
    /// Outcome of one analysis attempt (`result` label of `clusterd_analyses_total`).
    enum AnalysisResult: Int, CaseIterable {
        /// Analysed and saved.
        case success
        /// Given up (not found after its retries, too many attempts, embedding failed).
        case failure
        /// Not in MongoDB yet; retried later.
        case retry
        /// MongoDB was unreachable; the sweep retries it.
        case storeUnavailable
        /// Already analysed with the current embedder and prompt version: no work done.
        case upToDate
        /// Another process holds a live claim on it: left to that process.
        case claimedElsewhere

        var label: String {
            switch self {
            case .success: return "success"
            case .failure: return "failure"
            case .retry: return "retry"
            case .storeUnavailable: return "store_unavailable"
            case .upToDate: return "up_to_date"
            case .claimedElsewhere: return "claimed_elsewhere"
            }
        }
    }

    /// What a change stream event reported (`type` label of `clusterd_change_stream_events_total`).
    enum ChangeEventType: Int, CaseIterable {
        /// A message inserted.
        case inserted
        /// A message deleted.
        case deleted
        /// A message replaced, or its content updated.
        case replaced

        var label: String {
            switch self {
            case .inserted: return "insert"
            case .deleted: return "delete"
            case .replaced: return "replace"
            }
        }
    }

    static let runStatuses: [RunStatus] = [.succeeded, .skipped, .failed, .abandoned]

    private let analyses: [Counter]
    let analysisDuration: Timer
    private let runs: [Counter]
    let clusteringDuration: Timer
    let lastSuccessfulClustering: Gauge
    let unprocessedMessages: Gauge
    let queueDepth: Gauge
    let queueCapacity: Gauge
    let inFlightAnalyses: Gauge
    let storeUp: Gauge
    /// `clusterd_llm_backlog`: messages waiting for Claude's concepts.
    let llmBacklog: Gauge
    /// `clusterd_llm_backlog_rate_per_minute`: messages upgraded per minute.
    let llmBacklogRate: Gauge
    /// `clusterd_llm_backlog_clears_in_seconds`: the backlog's estimated time to clear (-1 unknown).
    let llmBacklogClears: Gauge
    /// `clusterd_llm_tokens_per_message`: concept tokens per upgraded message.
    let llmTokensPerMessage: Gauge
    /// `clusterd_llm_names_pending`: clusters waiting for a Claude name.
    let llmNamesPending: Gauge
    /// `clusterd_sweeps_total{kind="full"|"incremental"}`: catch-up passes started (each one query on MongoDB).
    private let fullSweeps: Counter
    private let incrementalSweeps: Counter
    /// `clusterd_llm_requests_total{result="success"|"failure"}`: Messages API requests (each retry counts).
    private let llmSucceeded: Counter
    private let llmFailed: Counter
    /// Concept extractions and namings done locally because Claude was unavailable.
    private let llmFallbacks: Counter
    /// Input plus output tokens.
    private let llmTokens: Counter
    /// `clusterd_change_stream_events_total{type="insert"|"delete"}`: changes the change stream reported.
    private let changeEvents: [Counter]
    /// `clusterd_change_stream_state{state=...}`: 1 for the follower's current state, 0 for the others.
    private let changeStreamStates: [(name: String, gauge: Gauge)]
    /// The LLM counters already recorded (the LLM layer keeps running totals; the deltas are recorded).
    private let llmRecorded = Mutex((succeeded: 0, failed: 0, fallbacks: 0, tokens: 0))

    /// Creates every series on `factory`.
    init(factory: any MetricsFactory) {
        analyses = AnalysisResult.allCases.map {
            Counter(label: "clusterd_analyses_total", dimensions: [("result", $0.label)], factory: factory)
        }
        analysisDuration = Timer(label: "clusterd_analysis_duration_seconds", dimensions: [], factory: factory)
        runs = Self.runStatuses.map {
            Counter(label: "clusterd_clustering_runs_total", dimensions: [("status", $0.rawValue)], factory: factory)
        }
        clusteringDuration = Timer(label: "clusterd_clustering_duration_seconds", dimensions: [], factory: factory)
        lastSuccessfulClustering = Gauge(
            label: "clusterd_last_successful_clustering_timestamp_seconds",
            dimensions: [],
            factory: factory
        )
        unprocessedMessages = Gauge(label: "clusterd_unprocessed_messages", dimensions: [], factory: factory)
        queueDepth = Gauge(label: "clusterd_analysis_queue_depth", dimensions: [], factory: factory)
        queueCapacity = Gauge(label: "clusterd_analysis_queue_capacity", dimensions: [], factory: factory)
        inFlightAnalyses = Gauge(label: "clusterd_analyses_in_flight", dimensions: [], factory: factory)
        storeUp = Gauge(label: "clusterd_store_up", dimensions: [], factory: factory)
        llmBacklog = Gauge(label: "clusterd_llm_backlog", dimensions: [], factory: factory)
        llmBacklogRate = Gauge(label: "clusterd_llm_backlog_rate_per_minute", dimensions: [], factory: factory)
        llmBacklogClears = Gauge(label: "clusterd_llm_backlog_clears_in_seconds", dimensions: [], factory: factory)
        llmTokensPerMessage = Gauge(label: "clusterd_llm_tokens_per_message", dimensions: [], factory: factory)
        llmNamesPending = Gauge(label: "clusterd_llm_names_pending", dimensions: [], factory: factory)
        fullSweeps = Counter(label: "clusterd_sweeps_total", dimensions: [("kind", "full")], factory: factory)
        incrementalSweeps = Counter(
            label: "clusterd_sweeps_total",
            dimensions: [("kind", "incremental")],
            factory: factory
        )
        llmSucceeded = Counter(
            label: "clusterd_llm_requests_total",
            dimensions: [("result", "success")],
            factory: factory
        )
        llmFailed = Counter(label: "clusterd_llm_requests_total", dimensions: [("result", "failure")], factory: factory)
        llmFallbacks = Counter(label: "clusterd_llm_local_fallbacks_total", dimensions: [], factory: factory)
        llmTokens = Counter(label: "clusterd_llm_tokens_total", dimensions: [], factory: factory)
        changeEvents = ChangeEventType.allCases.map {
            Counter(label: "clusterd_change_stream_events_total", dimensions: [("type", $0.label)], factory: factory)
        }
        changeStreamStates = ChangeStreamState.names.map { name in
            (name, Gauge(label: "clusterd_change_stream_state", dimensions: [("state", name)], factory: factory))
        }
    }

    /// Counts `count` change stream events of one type.
    func recordChangeEvents(_ type: ChangeEventType, count: Int) {
        guard count > 0 else { return }
        changeEvents[type.rawValue].increment(by: count)
    }

    /// Sets the change stream state gauges: 1 for `state`, 0 for the others.
    func recordChangeStreamState(_ state: ChangeStreamState) {
        for entry in changeStreamStates { entry.gauge.record(entry.name == state.name ? 1 : 0) }
    }

    /// Records what the LLM layer counted since the last call (its totals only grow while the process lives).
    func recordLLM(_ report: LLMStatusReport) {
        let now = (
            succeeded: max(0, report.calls - report.failures), failed: report.failures,
            fallbacks: report.localFallbacks, tokens: report.tokensTotal
        )
        let delta = llmRecorded.withLock { recorded in
            let delta = (
                succeeded: max(0, now.succeeded - recorded.succeeded), failed: max(0, now.failed - recorded.failed),
                fallbacks: max(0, now.fallbacks - recorded.fallbacks), tokens: max(0, now.tokens - recorded.tokens)
            )
            recorded = (
                max(recorded.succeeded, now.succeeded), max(recorded.failed, now.failed),
                max(recorded.fallbacks, now.fallbacks), max(recorded.tokens, now.tokens)
            )
            return delta
        }
        if delta.succeeded > 0 { llmSucceeded.increment(by: delta.succeeded) }
        if delta.failed > 0 { llmFailed.increment(by: delta.failed) }
        if delta.fallbacks > 0 { llmFallbacks.increment(by: delta.fallbacks) }
        if delta.tokens > 0 { llmTokens.increment(by: delta.tokens) }
        llmBacklog.record(report.backlog)
        llmBacklogRate.record(report.backlogRatePerMinute)
        llmBacklogClears.record(report.backlogClearsInSeconds)
        llmTokensPerMessage.record(report.tokensPerMessage)
        llmNamesPending.record(report.namesPending)
    }

    /// Counts one analysis attempt and its duration.
    func recordAnalysis(_ result: AnalysisResult, nanoseconds: Int64) {
        analyses[result.rawValue].increment()
        analysisDuration.recordNanoseconds(nanoseconds)
    }

    /// Counts one catch-up sweep: full (from the first message) or incremental (above the watermark).
    func recordSweep(full: Bool) {
        (full ? fullSweeps : incrementalSweeps).increment()
    }

    /// Counts `count` finished runs with `status` (`running` is never counted).
    func recordRuns(_ status: RunStatus, count: Int = 1) {
        guard count > 0, let index = Self.runStatuses.firstIndex(of: status) else { return }
        runs[index].increment(by: count)
    }
}

extension ServiceMetrics.ChangeEventType {
    /// The kind of a change.
    init(_ change: MessageChange) {
        switch change {
        case .inserted: self = .inserted
        case .replaced: self = .replaced
        case .deleted: self = .deleted
        }
    }
}
