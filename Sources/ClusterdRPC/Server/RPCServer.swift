import ClusterdNetworking
import CoreMetrics
import Logging
import Metrics
import NIOCore
import ServiceLifecycle

/// The TCP server: serves the length-prefixed protobuf protocol on SwiftNIO, as a swift-service-lifecycle
/// `Service` (see `NIOServerService` for its lifecycle and connection admission).
public final class RPCServer: Service, Sendable {
    /// Listener and protocol settings.
    public struct Configuration: Sendable, Equatable {
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
        /// A frame must arrive whole within this time from its first byte (paused while the server holds reads back).
        public var frameDeadline: TimeAmount
        /// The first frame (the Hello) must arrive whole within this time of connecting; then `frameDeadline` applies.
        public var helloDeadline: TimeAmount
        /// Most calls queued or running on the service's read queue (store reads, erasures); beyond it a call gets
        /// RESOURCE_EXHAUSTED.
        public var readQueueLimit: Int
        /// Most items in one ListClusters or ListRuns reply page.
        public var listPageSize: Int
        /// Largest list reply (a page ends before it would exceed this), in bytes.
        public var maxReplyBytes: Int
        /// A connection with no inbound bytes for this long is closed.
        public var idleTimeout: TimeAmount
        /// A connection whose peer does not read its replies for this long is closed.
        public var writeStallTimeout: TimeAmount
        /// On graceful shutdown, how long the calls already received may take before their connections are closed.
        public var drainTimeout: Duration
        /// On graceful shutdown, how long a connection is still read before it stops reading (requests its peer
        /// sent just before the shutdown are answered too).
        public var quiesceLinger: TimeAmount
        /// When set, connections are TLS with this (reloadable) context.
        public var tls: ServerTLSContext?

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
            helloDeadline: TimeAmount = .seconds(5),
            readQueueLimit: Int = 256,
            listPageSize: Int = 1000,
            maxReplyBytes: Int = 1 << 20,
            idleTimeout: TimeAmount = .minutes(10),
            writeStallTimeout: TimeAmount = .seconds(30),
            drainTimeout: Duration = .seconds(5),
            quiesceLinger: TimeAmount = .milliseconds(50),
            tls: ServerTLSContext? = nil
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
            self.helloDeadline = helloDeadline
            self.readQueueLimit = max(1, readQueueLimit)
            self.listPageSize = max(1, listPageSize)
            self.maxReplyBytes = max(4096, maxReplyBytes)
            self.idleTimeout = idleTimeout
            self.writeStallTimeout = writeStallTimeout
            self.drainTimeout = drainTimeout
            self.quiesceLinger = quiesceLinger
            self.tls = tls
        }
    }

    private let server: NIOServerService
    private let admission: ConnectionAdmission
    private let counters = RPCServerCounters()

    /// Creates a server; nothing is bound until `run()`. Its request counts and latencies are recorded on
    /// `metricsFactory` (the bootstrapped swift-metrics backend by default); `onListening` is told the bound port.
    public init(
        configuration: Configuration,
        service: any RPCServiceHandler,
        logger: Logger,
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        onListening: (@Sendable (Int) -> Void)? = nil
    ) {
        let refusal = RPCError(
            code: .resourceExhausted,
            message: "too many connections (limit \(configuration.maxConnections))"
        )
        let admission = ConnectionAdmission(
            limit: configuration.maxConnections,
            refusal: FrameEncoding.bytes(for: RPCFrame(callID: 0, reply: .error(refusal)))
        )
        let counters = self.counters
        let metrics = RPCMetrics(factory: metricsFactory)
        self.admission = admission
        self.server = NIOServerService(
            configuration: NIOServerService.Configuration(
                name: "RPC",
                host: configuration.host,
                port: configuration.port,
                eventLoopThreads: configuration.eventLoopThreads,
                drainTimeout: configuration.drainTimeout,
                writeBufferWaterMark: .init(low: 32 * 1024, high: 256 * 1024),
                tls: configuration.tls
            ),
            admission: admission,
            logger: logger,
            onListening: onListening
        ) { channel in
            let operations = channel.pipeline.syncOperations
            try operations.addHandler(IdleStateHandler(readTimeout: configuration.idleTimeout))
            try operations.addHandler(
                FrameDeadlineHandler(
                    deadline: configuration.frameDeadline,
                    helloDeadline: configuration.helloDeadline
                )
            )
            try operations.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameBytes: configuration.maxFrameBytes)))
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

    /// Serves until graceful shutdown, then stops accepting, answers the calls already received (for up to
    /// `drainTimeout`) and closes every connection.
    public func run() async throws {
        try await server.run()
    }

    /// The bound port, once `run()` has bound it; throws if binding failed.
    public func listeningPort() async throws -> Int {
        try await server.listeningPort()
    }

    /// Calls awaiting replies across all connections.
    public var callsInFlight: Int { counters.callsInFlight }

    /// Open connections.
    public var openConnections: Int { admission.openConnections }
}
