import NIOCore

/// Answers a connection the server will not serve with fixed bytes (the protocol's refusal), then closes it,
/// without parsing anything it sends.
final class RefuseConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let refusal: [UInt8]

    /// Creates a handler sending `refusal`.
    init(refusal: [UInt8]) {
        self.refusal = refusal
    }

    func channelActive(context: ChannelHandlerContext) {
        let buffer = context.channel.allocator.buffer(bytes: refusal)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Whatever the refused peer sends is dropped.
    }
}
