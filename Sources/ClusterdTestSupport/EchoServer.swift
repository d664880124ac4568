import ClusterdRPC
import NIOCore
import NIOPosix

/// The transport's ceiling: a minimal SwiftNIO server with clusterd's frame decoder that writes every frame
/// straight back (same length prefix, same body), so a load run against it measures framing and TCP only.
///
/// With `replyBodyBytes`, each echoed body is padded to that size with one protobuf field the frame does not
/// define (number 1000, length-delimited, zeros), which decoders skip: the ceiling for replies as large as
/// clusterd's, still without any work per call.
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

    /// Starts on 127.0.0.1 and a free port, with `threads` event loops (clusterd's default is 1), padding replies
    /// to `replyBodyBytes` when that is larger than the request (0: exact echo).
    public static func start(threads: Int = 1, replyBodyBytes: Int = 0) async throws -> EchoServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FrameDecoder(maxFrameBytes: 1 << 20))
                    )
                    try channel.pipeline.syncOperations.addHandler(EchoHandler(replyBodyBytes: replyBodyBytes))
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

    private let replyBodyBytes: Int

    init(replyBodyBytes: Int) {
        self.replyBodyBytes = replyBodyBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .frame(let body) = unwrapInboundIn(data) else {
            context.close(promise: nil)
            return
        }
        let padding = Self.padding(echoing: body.readableBytes, to: replyBodyBytes)
        let total = body.readableBytes + (padding.map { 2 + ProtobufVarint.size(UInt64($0)) + $0 } ?? 0)
        var buffer = context.channel.allocator.buffer(capacity: 4 + total)
        buffer.writeInteger(UInt32(total), endianness: .big)
        buffer.writeImmutableBuffer(body)
        if let padding {
            buffer.writeBytes([0xC2, 0x3E])  // field 1000, wire type 2 (length-delimited)
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 10) { output in
                var index = 0
                ProtobufVarint.write(UInt64(padding), to: output, at: &index)
                return index
            }
            buffer.writeRepeatingByte(0, count: padding)
        }
        context.write(wrapOutboundOut(buffer), promise: nil)
    }

    /// The padding field's content length that makes a `body`-byte echo `target` bytes long, or nil for none.
    static func padding(echoing body: Int, to target: Int) -> Int? {
        guard target >= body + 3 else { return nil }
        var content = target - body - 3
        while body + 2 + ProtobufVarint.size(UInt64(content)) + content > target { content -= 1 }
        return content
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }
}
