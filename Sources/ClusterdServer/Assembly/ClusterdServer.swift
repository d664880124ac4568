import ClusterdCore
import ClusterdHTTP
import ClusterdMetrics
import ClusterdModel
import ClusterdRPC
import ClusterdService
import ClusterdStore
import Foundation
import Logging
import Prometheus
import ServiceLifecycle

/// The whole server as one lifecycle service: store, background service and RPC listener, stopped in reverse
/// order on SIGTERM/SIGINT (stop accepting, let in-flight work finish or leave it for the sweep, close the Mongo
/// pool last).
struct ClusterdServer: Service {
    let settings: ServerSettings
    let logger: Logger
    let portFile: String?
    let httpPortFile: String?
    /// The Prometheus registry the metrics backend records into; nil when metrics are off.
    let registry: PrometheusCollectorRegistry?

    func run() async throws {
        let store = try MongoStore(configuration: settings.store)
        let choice = await loadEmbedder()
        var configuration = settings.service
        configuration.embedderDetail = choice.detail
        let embedder = choice.embedder
        let service = BackgroundClusteringService(
            configuration: configuration,
            store: store,
            embedder: embedder,
            logger: logger
        )
        service.start()
        let listenHost = settings.listener.host
        let portFile = self.portFile
        let logger = self.logger
        let settings = self.settings
        let server = RPCServer(
            configuration: RPCServer.Configuration(
                host: settings.listener.host,
                port: settings.listener.port,
                maxFrameBytes: settings.listener.maxFrameBytes,
                token: settings.listener.token,
                serverVersion: ClusterdVersion.current,
                eventLoopThreads: settings.listener.eventLoopThreads,
                maxConnections: settings.listener.maxConnections,
                maxInFlightPerConnection: settings.listener.maxInFlightPerConnection,
                frameDeadline: .milliseconds(Int64(settings.listener.frameDeadlineSeconds * 1000)),
                idleTimeout: .milliseconds(Int64(settings.listener.idleTimeoutSeconds * 1000)),
                writeStallTimeout: .milliseconds(Int64(settings.listener.writeStallSeconds * 1000))
            ),
            service: ServiceRPCAdapter(service: service),
            logger: logger
        ) { port in
            if let portFile { try? "\(port)\n".write(toFile: portFile, atomically: true, encoding: .utf8) }
            logger.info(
                "clusterd \(ClusterdVersion.current) listening on \(listenHost):\(port) (MongoDB database \(settings.store.database), auth \(settings.listener.token == nil ? "off" : "on"))"
            )
        }
        let gateway = makeGateway(service: service)
        // Both serve until graceful shutdown, then stop accepting and answer what they received.
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.run() }
            if let gateway { group.addTask { try await gateway.run() } }
        }
        logger.info("Shutting down: connections closed; stopping the background service")
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                service.shutdown()
                store.close()
                continuation.resume()
            }
        }
        logger.info("clusterd stopped")
    }

    /// The HTTP gateway when `CLUSTERD_HTTP_LISTEN` is set.
    private func makeGateway(service: BackgroundClusteringService) -> HTTPGateway? {
        guard let listen = settings.gateway else { return nil }
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
            configuration: HTTPGatewayConfiguration(
                host: listen.host,
                port: listen.port,
                token: settings.listener.token,
                maxBodyBytes: listen.maxBodyBytes,
                maxConnections: listen.maxConnections,
                idleTimeout: .milliseconds(Int64(listen.idleTimeoutSeconds * 1000)),
                serverVersion: ClusterdVersion.current
            ),
            backend: ServiceGatewayBackend(service: service, metrics: metrics),
            logger: logger
        ) { port in
            if let httpPortFile { try? "\(port)\n".write(toFile: httpPortFile, atomically: true, encoding: .utf8) }
            logger.info("HTTP gateway listening on \(listen.host):\(port) (metrics \(metricsState))")
        }
    }

    /// all-MiniLM-L6-v2 from CLUSTERD_MODEL_DIR or the project's .venv (searched from the working directory and
    /// the executable's ancestors), else the hashing fallback, announced loudly. Reads ~90 MB: runs on its own
    /// thread, off the cooperative pool. One thread per forward pass: the server's parallelism is its analysis
    /// workers, each embedding its own batch on its own utility-QoS thread; a pass split over `concurrentPerform`
    /// would run its other parts on libdispatch's default-QoS threads, the ones Swift concurrency's pool uses.
    private func loadEmbedder() async -> EmbedderChoice {
        let locator = MiniLMModelLocator(
            overrideDirectory: settings.process.modelDirectory,
            searchRoots: MiniLMModelLocator.defaultSearchRoots(
                workingDirectory: FileManager.default.currentDirectoryPath,
                executablePath: CommandLine.arguments.first ?? ""
            )
        )
        let started = Date()
        let choice = await withCheckedContinuation { (continuation: CheckedContinuation<EmbedderChoice, Never>) in
            Thread.detachNewThread { continuation.resume(returning: EmbedderChoice.choose(locator, threads: 1)) }
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
