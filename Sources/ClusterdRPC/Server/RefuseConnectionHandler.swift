import NIOCore

/// Answers a connection the server will not serve with one error frame (call id 0), then closes it.
final class RefuseConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let error: RPCError

    /// Creates a handler sending `error`.
    init(error: RPCError) {
        self.error = error
    }

    func channelActive(context: ChannelHandlerContext) {
        let frame = FrameEncoding.buffer(
            for: RPCFrame(callID: 0, reply: .error(error)),
            allocator: context.channel.allocator
        )
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in channel.close(promise: nil) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Whatever the refused peer sends is dropped.
    }
}
