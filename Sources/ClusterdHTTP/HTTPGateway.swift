import Dispatch
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The optional HTTP/1.1 gateway on SwiftNIO: the seed's REST endpoints, `/openapi.json`, `/livez`, `/readyz` and
/// `/metrics`. It has an event loop of its own, so scrapes and REST calls never queue behind the binary RPC.
public final class HTTPGateway: Sendable {
    private let configuration: HTTPGatewayConfiguration
    private let router: GatewayRouter
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let renderQueue = DispatchQueue(label: "clusterd.http.render")
    private let connections = Atomic<Int>(0)
    private let channels = Mutex<(listener: Channel?, open: [ObjectIdentifier: Channel])>((nil, [:]))

    /// Creates a gateway in front of `backend`; nothing is bound until `start()`.
    public init(configuration: HTTPGatewayConfiguration, backend: any HTTPGatewayBackend, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let document = OpenAPIDocument.json(
            serverVersion: configuration.serverVersion,
            requiresToken: configuration.token != nil
        )
        self.router = GatewayRouter(backend: backend, token: configuration.token, openAPI: Array(document.utf8))
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Binds and starts accepting; returns the bound port.
    public func start() async throws -> Int {
        let configuration = self.configuration
        let router = self.router
        let logger = self.logger
        let renderQueue = self.renderQueue
        let limits: NIOHTTPDecoderLimitConfiguration = {
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderListSize = configuration.maxHeaderBytes
            limits.maxHeaderFieldSize = configuration.maxHeaderBytes
            return limits
        }()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [weak self] channel in
                guard let self, self.admit() else {
                    logger.warning("Refused an HTTP connection: \(configuration.maxConnections) connections are open")
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(RefuseHTTPConnectionHandler())
                    }
                }
                self.track(channel)
                return channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    try operations.addHandler(IdleStateHandler(readTimeout: configuration.idleTimeout))
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
                            logger: logger
                        )
                    )
                }
            }
        let listener = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        channels.withLock { $0.listener = listener }
        return listener.localAddress?.port ?? configuration.port
    }

    /// Open connections.
    public var openConnections: Int { connections.load(ordering: .relaxed) }

    private func admit() -> Bool {
        var current = connections.load(ordering: .relaxed)
        while current < configuration.maxConnections {
            let (exchanged, original) = connections.compareExchange(
                expected: current,
                desired: current + 1,
                ordering: .relaxed
            )
            if exchanged { return true }
            current = original
        }
        return false
    }

    private func track(_ channel: Channel) {
        let key = ObjectIdentifier(channel)
        channels.withLock { $0.open[key] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            guard let self else { return }
            self.connections.subtract(1, ordering: .relaxed)
            _ = self.channels.withLock { $0.open.removeValue(forKey: key) }
        }
    }

    /// Stops accepting, closes every connection and the event loop.
    public func stop() async {
        let listener = channels.withLock { $0.listener }
        try? await listener?.close()
        let open = channels.withLock { Array($0.open.values) }
        for channel in open { try? await channel.close() }
        try? await group.shutdownGracefully()
    }
}
