import ClusterdCore
import ClusterdHTTP
import ClusterdMetrics
import ClusterdModel
import ClusterdNetworking
import ClusterdRPC
import ClusterdService
import ClusterdStore
import Foundation
import Logging
import Prometheus
import ServiceLifecycle

/// Builds the process's services from the settings, in start order: the store, the background service, the RPC
/// server and (when configured) the HTTP gateway. Run as one `ServiceGroup`, they stop in reverse order on
/// SIGTERM/SIGINT: the servers stop accepting and answer what they received, the background service lets in-flight
/// work finish (or leaves it for the sweep), and the MongoDB pool closes last.
struct ServerAssembly {
    let settings: ServerSettings
    let logger: Logger
    let portFile: String?
    let httpPortFile: String?
    /// The Prometheus registry the metrics backend records into; nil when metrics are off.
    let registry: PrometheusCollectorRegistry?

    /// The services, in start order. TLS files that do not load stop the start-up here, before anything runs.
    func services() async throws -> [any Service] {
        let tls = try settings.tls.map { configuration throws(TLSSetupError) in
            try ServerTLSContext(configuration: configuration)
        }
        let store = try MongoStore(configuration: settings.store)
        let choice = await loadEmbedder()
        var configuration = settings.service
        configuration.embedderDetail = choice.detail
        let service = BackgroundClusteringService(
            configuration: configuration,
            store: store,
            embedder: choice.embedder,
            logger: logger
        )
        var services: [any Service] = [
            StoreService(store: store, logger: logger),
            BackgroundService(service: service, logger: logger),
            makeRPCServer(service: service, tls: tls),
        ]
        if let gateway = makeGateway(service: service, tls: tls) { services.append(gateway) }
        services.append(CertificateReloader(context: tls, logger: logger))
        return services
    }

    /// The RPC server, announcing its port once bound.
    private func makeRPCServer(service: BackgroundClusteringService, tls: ServerTLSContext?) -> RPCServer {
        var rpc = settings.rpc
        rpc.tls = tls
        let configuration = rpc
        let database = settings.store.database
        let portFile = self.portFile
        let logger = self.logger
        return RPCServer(
            configuration: configuration,
            service: ServiceRPCAdapter(service: service, configuration: configuration),
            logger: logger
        ) { port in
            if let portFile { try? "\(port)\n".write(toFile: portFile, atomically: true, encoding: .utf8) }
            logger.info(
                "clusterd \(ClusterdVersion.current) listening on \(configuration.host):\(port) (MongoDB database \(database), auth \(configuration.token == nil ? "off" : "on"), TLS \(Self.describe(tls)))"
            )
        }
    }

    /// The HTTP gateway when `CLUSTERD_HTTP_LISTEN` is set.
    private func makeGateway(service: BackgroundClusteringService, tls: ServerTLSContext?) -> HTTPGateway? {
        guard var gateway = settings.gateway else { return nil }
        gateway.tls = tls
        let listen = gateway
        var metrics: (@Sendable () -> String)?
        if let registry {
            let process = ProcessMetrics(registry: registry)
            metrics = {
                process.update()
                return registry.emitToString()
            }
        }
        let httpPortFile = self.httpPortFile
        let logger = self.logger
        let metricsState = registry == nil ? "off" : "on"
        return HTTPGateway(
            configuration: listen,
            backend: ServiceGatewayBackend(service: service, metrics: metrics),
            logger: logger
        ) { port in
            if let httpPortFile { try? "\(port)\n".write(toFile: httpPortFile, atomically: true, encoding: .utf8) }
            logger.info(
                "HTTP gateway listening on \(listen.host):\(port) (metrics \(metricsState), TLS \(Self.describe(tls)))"
            )
        }
    }

    /// "off", "on", or "on, client certificates required".
    private static func describe(_ tls: ServerTLSContext?) -> String {
        guard let tls else { return "off" }
        return tls.configuration.clientCAFile == nil ? "on" : "on, client certificates required"
    }

    /// all-MiniLM-L6-v2 from CLUSTERD_MODEL_DIR or the project's .venv (searched from the working directory and
    /// the executable's ancestors), else the hashing fallback, announced loudly. Reads ~90 MB: runs on its own
    /// thread, off the cooperative pool. `CLUSTERD_EMBEDDER_THREADS` workers per forward pass, 1 by default: the
    /// server's parallelism is then its analysis workers, each embedding its own batch on its own utility-QoS
    /// thread; a pass split over `concurrentPerform` runs its other parts on libdispatch's default-QoS threads,
    /// the ones Swift concurrency's pool uses (a setting for the lead's quiet-machine comparison, `make bench`).
    private func loadEmbedder() async -> EmbedderChoice {
        let locator = MiniLMModelLocator(
            overrideDirectory: settings.process.modelDirectory,
            searchRoots: MiniLMModelLocator.defaultSearchRoots(
                workingDirectory: FileManager.default.currentDirectoryPath,
                executablePath: CommandLine.arguments.first ?? ""
            )
        )
        let started = Date()
        let threads = settings.process.embedderThreads
        let precision = settings.process.embedderPrecision
        let choice = await withCheckedContinuation { (continuation: CheckedContinuation<EmbedderChoice, Never>) in
            Thread.detachNewThread {
                continuation.resume(returning: EmbedderChoice.choose(locator, threads: threads, precision: precision))
            }
        }
        if let directory = choice.modelDirectory {
            let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
            logger.info("Embedder \(choice.embedder.identifier) loaded from \(directory) in \(seconds) s")
        } else {
            logger.error(
                "EMBEDDER FALLBACK: all-MiniLM-L6-v2 is not available, using \(choice.embedder.identifier) (\(choice.detail))"
            )
        }
        return choice
    }
}
