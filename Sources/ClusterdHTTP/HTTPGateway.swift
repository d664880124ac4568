import ClusterdNetworking
import Dispatch
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// The optional HTTP/1.1 gateway on SwiftNIO: the seed's REST endpoints, `/openapi.json`, `/livez`, `/readyz` and
/// `/metrics`. It has an event loop of its own, so scrapes and REST calls never queue behind the binary RPC. A
/// swift-service-lifecycle `Service` (see `NIOServerService`): on graceful shutdown each connection finishes the
/// response it owes (NIOHTTP1's pipeline handler quiesces) and closes.
public final class HTTPGateway: Service, Sendable {
    /// The response a connection beyond the limit gets before it is closed, without parsing anything.
    static let refusal: [UInt8] = {
        let body = #"{"detail":"too many connections"}"#
        return Array(
            ("HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: \(body.utf8.count)"
                + "\r\nconnection: close\r\n\r\n\(body)").utf8
        )
    }()

    /// The outbound buffer's marks: above 256 KiB a connection stops being read and its next response waits.
    static let writeBufferWaterMark = ChannelOptions.Types.WriteBufferWaterMark(low: 32 * 1024, high: 256 * 1024)

    private let server: NIOServerService
    private let admission: ConnectionAdmission
    private let dataPlaces: ConnectionAdmission

    /// Creates a gateway in front of `backend`; nothing is bound until `run()`. `onListening` is told the bound
    /// port.
    public init(
        configuration: HTTPGatewayConfiguration,
        backend: any HTTPGatewayBackend,
        logger: Logger,
        onListening: (@Sendable (Int) -> Void)? = nil
    ) {
        let document = OpenAPIDocument.json(
            serverVersion: configuration.serverVersion,
            requiresToken: configuration.token != nil
        )
        let router = GatewayRouter(
            backend: backend,
            token: configuration.token,
            openAPI: Array(document.utf8),
            policy: HostOriginPolicy(
                allowedHosts: configuration.allowedHosts,
                allowedOrigins: configuration.allowedOrigins,
                boundHost: configuration.host
            )
        )
        let renderQueue = DispatchQueue(label: "clusterd.http.render")
        let limits: NIOHTTPDecoderLimitConfiguration = {
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderListSize = configuration.maxHeaderBytes
            limits.maxHeaderFieldSize = configuration.maxHeaderBytes
            return limits
        }()
        // Every connection up to both limits is accepted; those beyond the data places are served the probes only.
        let admission = ConnectionAdmission(
            limit: configuration.maxConnections + configuration.probeConnections,
            refusal: Self.refusal
        )
        let dataPlaces = ConnectionAdmission(limit: configuration.maxConnections, refusal: [])
        let probesOnly = GatewayResponse.detail(
            .serviceUnavailable,
            "too many connections (limit \(configuration.maxConnections)): this connection is served /livez, "
                + "/readyz and /metrics only"
        )
        self.admission = admission
        self.dataPlaces = dataPlaces
        self.server = NIOServerService(
            configuration: NIOServerService.Configuration(
                name: "HTTP",
                host: configuration.host,
                port: configuration.port,
                drainTimeout: configuration.drainTimeout,
                writeBufferWaterMark: Self.writeBufferWaterMark,
                tls: configuration.tls
            ),
            admission: admission,
            logger: logger,
            onListening: onListening
        ) { channel in
            let dataPlace = dataPlaces.claim(channel)
            let operations = channel.pipeline.syncOperations
            try operations.addHandler(IdleStateHandler(readTimeout: configuration.idleTimeout))
            try operations.addHandler(
                WriteBackpressureHandler(stallTimeout: configuration.writeStallTimeout, name: "HTTP", logger: logger)
            )
            try operations.addHandler(
                RequestDeadlineHandler(
                    deadline: dataPlace ? configuration.requestDeadline : configuration.probeRequestDeadline,
                    logger: logger
                )
            )
            try operations.configureHTTPServerPipeline(
                withErrorHandling: true,
                withEncoderConfiguration: .init(),
                withDecoderLimitConfiguration: limits
            )
            try operations.addHandler(
                GatewayHandler(
                    router: router,
                    maxBodyBytes: configuration.maxBodyBytes,
                    renderQueue: renderQueue,
                    logger: logger,
                    probesOnly: dataPlace ? nil : probesOnly
                )
            )
        }
    }

    /// Serves until graceful shutdown, then stops accepting and lets each connection finish its response.
    public func run() async throws {
        try await server.run()
    }

    /// The bound port, once `run()` has bound it; throws if binding failed.
    public func listeningPort() async throws -> Int {
        try await server.listeningPort()
    }

    /// Open connections.
    public var openConnections: Int { admission.openConnections }

    /// Open connections served every endpoint (the others are served the probes only).
    public var openDataConnections: Int { dataPlaces.openConnections }
}
