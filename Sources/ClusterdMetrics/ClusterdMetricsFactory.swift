import CoreMetrics
import Prometheus

/// The swift-metrics backend the executables bootstrap: Prometheus, with a HELP line and suitable histogram
/// buckets for each of clusterd's metrics (sub-millisecond buckets for RPC latency).
public struct ClusterdMetricsFactory: CoreMetrics.MetricsFactory {
    /// Where the series live (render them with `emitToString()`).
    public let registry: PrometheusCollectorRegistry

    /// A factory recording into `registry`.
    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// HELP texts by metric name.
    public static let help: [String: String] = [
        "clusterd_rpc_requests_total": "RPC calls answered, by method and status code.",
        "clusterd_rpc_request_duration_seconds": "Time from decoding an RPC request to writing its reply.",
        "clusterd_analysis_queue_depth": "Messages waiting for analysis or being analysed.",
        "clusterd_analysis_queue_capacity": "Most messages that may wait for analysis.",
        "clusterd_analyses_in_flight": "Analyses running now.",
        "clusterd_analyses_total": "Analysis attempts, by result.",
        "clusterd_analysis_duration_seconds": "Time to read, analyse and save one message.",
        "clusterd_clustering_runs_total": "Finished clustering runs, by status.",
        "clusterd_clustering_duration_seconds": "Duration of clustering runs.",
        "clusterd_last_successful_clustering_timestamp_seconds":
            "Unix time the latest successful clustering run finished (0 when none).",
        "clusterd_unprocessed_messages": "Analysed messages not yet in a successful clustering run.",
        "clusterd_llm_requests_total": "Requests to the Claude Messages API (retries included), by result.",
        "clusterd_llm_local_fallbacks_total":
            "Concept extractions and cluster namings done locally because Claude was unavailable.",
        "clusterd_llm_tokens_total": "Claude input plus output tokens used.",
        "clusterd_store_up": "1 when MongoDB answered the latest request, else 0.",
        "clusterd_sweeps_total": "Catch-up sweeps for unanalysed messages, by kind (full or incremental).",
    ]

    /// Histogram buckets by metric name.
    public static let durationBuckets: [String: [Duration]] = [
        "clusterd_rpc_request_duration_seconds": [
            .microseconds(10), .microseconds(25), .microseconds(50), .microseconds(100), .microseconds(250),
            .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
        ],
        "clusterd_analysis_duration_seconds": [
            .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .milliseconds(2500), .seconds(5), .seconds(10),
        ],
        "clusterd_clustering_duration_seconds": [
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
            .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120), .seconds(300), .seconds(600),
        ],
    ]

    /// Buckets for a timer without its own.
    public static let defaultDurationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(500),
        .seconds(1), .seconds(5), .seconds(30),
    ]

    /// The name with its HELP text.
    public static func descriptor(_ name: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help[name] ?? "")
    }

    /// See `MetricsFactory`.
    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: Self.descriptor(label), labels: dimensions)
    }

    /// See `MetricsFactory`.
    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)])
        -> any FloatingPointCounterHandler
    {
        registry.makeCounter(descriptor: Self.descriptor(label), labels: dimensions)
    }

    /// See `MetricsFactory`.
    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return registry.makeGauge(descriptor: Self.descriptor(label), labels: dimensions) }
        return registry.makeValueHistogram(
            descriptor: Self.descriptor(label),
            labels: dimensions,
            buckets: [1, 10, 100, 1_000, 10_000, 100_000]
        )
    }

    /// See `MetricsFactory`.
    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: Self.descriptor(label), labels: dimensions)
    }

    /// See `MetricsFactory`.
    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(
            descriptor: Self.descriptor(label),
            labels: dimensions,
            buckets: Self.durationBuckets[label] ?? Self.defaultDurationBuckets
        )
    }

    /// See `MetricsFactory`.
    public func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    /// See `MetricsFactory`.
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    /// See `MetricsFactory`.
    public func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
        if let histogram = handler as? ValueHistogram { registry.unregisterValueHistogram(histogram) }
    }

    /// See `MetricsFactory`.
    public func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    /// See `MetricsFactory`.
    public func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}
