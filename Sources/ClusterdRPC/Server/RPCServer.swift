import CoreMetrics
import Logging
import Metrics
import NIOCore
import NIOPosix
import Synchronization

/// The TCP server: accepts connections and serves the length-prefixed protobuf protocol on SwiftNIO.
public final class RPCServer: Sendable {
    /// Listener and protocol settings.
    public struct Configuration: Sendable {
        /// Address to bind ("127.0.0.1").
        public var host: String
        /// Port to bind; 0 picks a free one.
        public var port: Int
        /// Largest frame body accepted; larger ones are refused before buffering.
        public var maxFrameBytes: UInt32
        /// When set, every connection must open with a Hello carrying it.
        public var token: String?
        /// Reported in HelloReply.
        public var serverVersion: String
        /// Event loop threads.
        public var eventLoopThreads: Int
        /// Most open connections; beyond it a new connection gets RESOURCE_EXHAUSTED and is closed.
        public var maxConnections: Int
        /// Most calls awaiting replies on one connection; beyond it the server stops reading that connection.
        public var maxInFlightPerConnection: Int
        /// A frame must arrive whole within this time from its first byte.
        public var frameDeadline: TimeAmount
        /// A connection with no inbound bytes for this long is closed.
        public var idleTimeout: TimeAmount
        /// A connection whose peer does not read its replies for this long is closed.
        public var writeStallTimeout: TimeAmount

        /// Creates a configuration.
        public init(
            host: String = "127.0.0.1",
            port: Int = 7420,
            maxFrameBytes: UInt32 = 1 << 20,
            token: String? = nil,
            serverVersion: String = "0.0.0",
            eventLoopThreads: Int = 1,
            maxConnections: Int = 1024,
            maxInFlightPerConnection: Int = 256,
            frameDeadline: TimeAmount = .seconds(10),
            idleTimeout: TimeAmount = .minutes(10),
            writeStallTimeout: TimeAmount = .seconds(30)
        ) {
            self.host = host
            self.port = port
            self.maxFrameBytes = maxFrameBytes
            self.token = token
            self.serverVersion = serverVersion
            self.eventLoopThreads = eventLoopThreads
            self.maxConnections = max(1, maxConnections)
            self.maxInFlightPerConnection = max(1, maxInFlightPerConnection)
            self.frameDeadline = frameDeadline
            self.idleTimeout = idleTimeout
            self.writeStallTimeout = writeStallTimeout
        }
    }

    private let configuration: Configuration
    private let service: any RPCServiceHandler
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let counters = RPCServerCounters()
    private let metrics: RPCMetrics
    private let channels = Mutex<(listener: Channel?, connections: [ObjectIdentifier: Channel])>((nil, [:]))

    /// Creates a server; nothing is bound until `start()`. Its request counts and latencies are recorded on
    /// `metricsFactory` (the bootstrapped swift-metrics backend by default).
    public init(
        configuration: Configuration,
        service: any RPCServiceHandler,
        logger: Logger,
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.configuration = configuration
        self.service = service
        self.logger = logger
        self.metrics = RPCMetrics(factory: metricsFactory)
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.eventLoopThreads))
    }

    /// Binds and starts accepting; returns the bound port.
    public func start() async throws -> Int {
        let configuration = self.configuration
        let service = self.service
        let logger = self.logger
        let counters = self.counters
        let metrics = self.metrics
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 32 * 1024, high: 256 * 1024))
            .childChannelInitializer { [weak self] channel in
                guard counters.admit(limit: configuration.maxConnections) else {
                    logger.warning("Refused a connection: \(configuration.maxConnections) connections are open")
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            RefuseConnectionHandler(
                                error: RPCError(
                                    code: .resourceExhausted,
                                    message: "too many connections (limit \(configuration.maxConnections))"
                                )
                            )
                        )
                    }
                }
                channel.closeFuture.whenComplete { _ in counters.released() }
                self?.track(channel)
                return channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    try operations.addHandler(IdleStateHandler(readTimeout: configuration.idleTimeout))
                    try operations.addHandler(FrameDeadlineHandler(deadline: configuration.frameDeadline))
                    try operations.addHandler(
                        ByteToMessageHandler(FrameDecoder(maxFrameBytes: configuration.maxFrameBytes))
                    )
                    try operations.addHandler(
                        RPCConnectionHandler(
                            service: service,
                            configuration: configuration,
                            counters: counters,
                            metrics: metrics,
                            logger: logger
                        )
                    )
                }
            }
        let listener = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        channels.withLock { $0.listener = listener }
        return listener.localAddress?.port ?? configuration.port
    }

    private func track(_ channel: Channel) {
        let key = ObjectIdentifier(channel)
        channels.withLock { $0.connections[key] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            _ = self?.channels.withLock { $0.connections.removeValue(forKey: key) }
        }
    }

    /// Calls awaiting replies across all connections.
    public var callsInFlight: Int { counters.callsInFlight }

    /// Open connections.
    public var openConnections: Int { counters.openConnections }

    /// Stops accepting, waits up to `grace` for calls in flight to be answered, then closes every connection and
    /// the event loops.
    public func stop(grace: Duration = .seconds(5)) async {
        let listener = channels.withLock { $0.listener }
        try? await listener?.close()
        let deadline = ContinuousClock.now + grace
        while counters.callsInFlight > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        // Let the last replies reach the sockets before closing.
        try? await Task.sleep(for: .milliseconds(50))
        let open = channels.withLock { Array($0.connections.values) }
        for channel in open { try? await channel.close() }
        try? await group.shutdownGracefully()
    }
}
