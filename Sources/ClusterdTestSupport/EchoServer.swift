import ClusterdRPC
import NIOCore
import NIOPosix

/// The transport's ceiling: a minimal SwiftNIO server with clusterd's frame decoder that writes every frame
/// straight back (same length prefix, same body), so a load run against it measures framing and TCP only.
public final class EchoServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let listener: Channel
    /// The bound port on 127.0.0.1.
    public let port: Int

    private init(group: MultiThreadedEventLoopGroup, listener: Channel) {
        self.group = group
        self.listener = listener
        self.port = listener.localAddress?.port ?? 0
    }

    /// Starts on 127.0.0.1 and a free port, with `threads` event loops (clusterd's default is 1).
    public static func start(threads: Int = 1) async throws -> EchoServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FrameDecoder(maxFrameBytes: 1 << 20))
                    )
                    try channel.pipeline.syncOperations.addHandler(EchoHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return EchoServer(group: group, listener: listener)
    }

    /// Closes the listener and the event loops.
    public func stop() async {
        try? await listener.close()
        try? await group.shutdownGracefully()
    }
}

/// Writes each frame back with its length prefix.
private final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = InboundFrame
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .frame(let body) = unwrapInboundIn(data) else {
            context.close(promise: nil)
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: 4 + body.readableBytes)
        buffer.writeInteger(UInt32(body.readableBytes), endianness: .big)
        buffer.writeImmutableBuffer(body)
        context.write(wrapOutboundOut(buffer), promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }
}
