import ClusterdLogging
import ClusterdMetrics
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// The clusterd process: bootstraps logging and metrics from the settings, then runs the store, the background
/// service and the servers as one lifecycle `ServiceGroup` until SIGTERM or SIGINT (see `ServerAssembly`).
public enum ClusterdApplication {
    /// Runs the server with `settings` until a shutdown signal has been handled.
    public static func run(
        settings: ServerSettings,
        logLevel: Logger.Level,
        portFile: String?,
        httpPortFile: String?
    ) async throws {
        unblockShutdownSignals()
        bootstrapLogging(settings: settings, level: logLevel)
        // Only the executable bootstraps the metrics backend; with CLUSTERD_METRICS=off the libraries record into
        // swift-metrics' no-op handlers.
        var registry: PrometheusCollectorRegistry?
        if settings.process.metricsEnabled {
            let prometheus = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(ClusterdMetricsFactory(registry: prometheus))
            registry = prometheus
        }
        let services = try await ServerAssembly(
            settings: settings,
            logger: Logger(label: "BackgroundClusteringService"),
            portFile: portFile,
            httpPortFile: httpPortFile,
            registry: registry
        ).services()
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: Logger(label: "clusterd.lifecycle")
            )
        )
        try await group.run()
    }

    /// The seed's text lines or JSON lines, at `level`, with the settings' secrets masked.
    static func bootstrapLogging(settings: ServerSettings, level: Logger.Level) {
        let redactor = LogRedactor(secrets: settings.secrets)
        switch settings.process.logFormat {
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
