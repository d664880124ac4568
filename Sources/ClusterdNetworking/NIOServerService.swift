import Logging
import NIOCore
import NIOExtras
import NIOPosix
import ServiceLifecycle

/// A TCP server as a swift-service-lifecycle `Service`: `run()` binds, serves until graceful shutdown, then stops
/// accepting and quiesces (every connection gets `ChannelShouldQuiesceEvent` and closes once it has answered what
/// it received), waiting up to `drainTimeout` before closing what is left. Connections are admitted through a
/// `ConnectionAdmission`. The RPC server and the HTTP gateway are both one of these.
public final class NIOServerService: Service, Sendable {
    /// Listener settings.
    public struct Configuration: Sendable {
        /// Names the protocol in log lines ("RPC", "HTTP").
        public var name: String
        /// Address to bind ("127.0.0.1").
        public var host: String
        /// Port to bind; 0 picks a free one.
        public var port: Int
        /// Event loop threads (a group of the server's own).
        public var eventLoopThreads: Int
        /// How long graceful shutdown waits for connections to finish before closing them.
        public var drainTimeout: Duration
        /// The accepted connections' outbound buffer marks (when the socket counts as writable); nil: NIO's.
        public var writeBufferWaterMark: ChannelOptions.Types.WriteBufferWaterMark?
        /// When set, every accepted connection is TLS (its handshake first, then the protocol; a refusal is sent
        /// inside TLS too).
        public var tls: ServerTLSContext?

        /// Creates a configuration.
        public init(
            name: String,
            host: String,
            port: Int,
            eventLoopThreads: Int = 1,
            drainTimeout: Duration = .seconds(5),
            writeBufferWaterMark: ChannelOptions.Types.WriteBufferWaterMark? = nil,
            tls: ServerTLSContext? = nil
        ) {
            self.name = name
            self.host = host
            self.port = port
            self.eventLoopThreads = max(1, eventLoopThreads)
            self.drainTimeout = drainTimeout
            self.writeBufferWaterMark = writeBufferWaterMark
            self.tls = tls
        }
    }

    private let configuration: Configuration
    private let admission: ConnectionAdmission
    private let logger: Logger
    private let onListening: (@Sendable (Int) -> Void)?
    private let initializeConnection: @Sendable (any Channel) throws -> Void
    private let port = ListeningPort()

    /// Creates a server; nothing is bound until `run()`. `initializeConnection` sets up an admitted connection's
    /// pipeline (on its event loop, with the synchronous pipeline operations); `onListening` is told the bound port.
    public init(
        configuration: Configuration,
        admission: ConnectionAdmission,
        logger: Logger,
        onListening: (@Sendable (Int) -> Void)? = nil,
        initializeConnection: @escaping @Sendable (any Channel) throws -> Void
    ) {
        self.configuration = configuration
        self.admission = admission
        self.logger = logger
        self.onListening = onListening
        self.initializeConnection = initializeConnection
    }

    /// The bound port, once `run()` has bound it; throws if binding failed.
    public func listeningPort() async throws -> Int {
        try await port.wait()
    }

    /// Binds, serves until graceful shutdown (or cancellation), then drains and closes.
    public func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoopThreads)
        do {
            try await serve(on: group)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        // Whatever did not finish in time is closed with the event loops.
        try? await group.shutdownGracefully()
    }

    /// Serves on `group` until graceful shutdown, then drains. The quiescing helper lives only in here: it is
    /// released while `group` still runs (its deinit touches its event loop).
    private func serve(on group: MultiThreadedEventLoopGroup) async throws {
        let quiescing = ServerQuiescingHelper(group: group)
        let listener: any Channel
        do {
            listener = try await bootstrap(group: group, quiescing: quiescing)
                .bind(host: configuration.host, port: configuration.port).get()
        } catch {
            port.resolve(.failure(error))
            throw error
        }
        let bound = listener.localAddress?.port ?? configuration.port
        port.resolve(.success(bound))
        onListening?(bound)
        try? await gracefulShutdown()
        logger.info("\(configuration.name): no new connections; answering the calls received")
        let drained = group.next().makePromise(of: Void.self)
        quiescing.initiateShutdown(promise: drained)
        await Self.wait(for: drained, atMost: configuration.drainTimeout)
        // The helper may report "drained" while the listener is still closing: let it finish on a live loop.
        try? await listener.closeFuture.get()
    }

    private func bootstrap(group: MultiThreadedEventLoopGroup, quiescing: ServerQuiescingHelper) -> ServerBootstrap {
        let admission = self.admission
        let logger = self.logger
        let name = configuration.name
        let initializeConnection = self.initializeConnection
        let tls = configuration.tls
        var bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(tls.makeServerHandler()) }
                    guard try admission.admit(channel) else {
                        logger.warning("Refused an \(name) connection: \(admission.limit) connections are open")
                        return
                    }
                    try initializeConnection(channel)
                }
            }
        if let marks = configuration.writeBufferWaterMark {
            bootstrap = bootstrap.childChannelOption(.writeBufferWaterMark, value: marks)
        }
        return bootstrap
    }

    /// Waits until `promise` is fulfilled, fulfilling it at `timeout` if nothing else has (a timer on its event
    /// loop, not a poll). Fulfilling it here also keeps it from leaking when the helper never gets to: completing a
    /// fulfilled promise again is a no-op.
    private static func wait(for promise: EventLoopPromise<Void>, atMost timeout: Duration) async {
        let (seconds, attoseconds) = timeout.components
        let amount = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        let timer = promise.futureResult.eventLoop.scheduleTask(in: amount) { promise.succeed(()) }
        try? await promise.futureResult.get()
        timer.cancel()
    }
}
