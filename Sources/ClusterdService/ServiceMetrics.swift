import ClusterdCore
import CoreMetrics
import Foundation
import Metrics

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

        var label: String {
            switch self {
            case .success: return "success"
            case .failure: return "failure"
            case .retry: return "retry"
            case .storeUnavailable: return "store_unavailable"
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
    }

    /// Counts one analysis attempt and its duration.
    func recordAnalysis(_ result: AnalysisResult, nanoseconds: Int64) {
        analyses[result.rawValue].increment()
        analysisDuration.recordNanoseconds(nanoseconds)
    }

    /// Counts `count` finished runs with `status` (`running` is never counted).
    func recordRuns(_ status: RunStatus, count: Int = 1) {
        guard count > 0, let index = Self.runStatuses.firstIndex(of: status) else { return }
        runs[index].increment(by: count)
    }
}
