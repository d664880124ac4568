import Logging
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

        /// Creates a configuration.
        public init(
            host: String = "127.0.0.1",
            port: Int = 7420,
            maxFrameBytes: UInt32 = 1 << 20,
            token: String? = nil,
            serverVersion: String = "0.0.0",
            eventLoopThreads: Int = 1
        ) {
            self.host = host
            self.port = port
            self.maxFrameBytes = maxFrameBytes
            self.token = token
            self.serverVersion = serverVersion
            self.eventLoopThreads = eventLoopThreads
        }
    }

    private let configuration: Configuration
    private let service: any RPCServiceHandler
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let channels = Mutex<(listener: Channel?, connections: [ObjectIdentifier: Channel])>((nil, [:]))

    /// Creates a server; nothing is bound until `start()`.
    public init(configuration: Configuration, service: any RPCServiceHandler, logger: Logger) {
        self.configuration = configuration
        self.service = service
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.eventLoopThreads))
    }

    /// Binds and starts accepting; returns the bound port.
    public func start() async throws -> Int {
        let configuration = self.configuration
        let service = self.service
        let logger = self.logger
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [weak self] channel in
                self?.track(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FrameDecoder(maxFrameBytes: configuration.maxFrameBytes))
                    )
                    try channel.pipeline.syncOperations.addHandler(
                        RPCConnectionHandler(service: service, configuration: configuration, logger: logger)
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

    /// Stops accepting, gives open connections `grace` to finish replies, closes them and the event loops.
    public func stop(grace: Duration = .milliseconds(500)) async {
        let listener = channels.withLock { $0.listener }
        try? await listener?.close()
        try? await Task.sleep(for: grace)
        let open = channels.withLock { Array($0.connections.values) }
        for channel in open { try? await channel.close() }
        try? await group.shutdownGracefully()
    }
}
