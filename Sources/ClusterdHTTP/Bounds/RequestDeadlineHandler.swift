import Logging
import NIOCore

/// Closes a connection whose request (head and body) does not arrive whole within a deadline counted from its
/// first byte, so a peer that trickles header bytes cannot hold a connection place for long.
///
/// It sits before the HTTP decoder and passes the bytes through untouched: the connection's opening (so a silent
/// peer is closed too) and then the first bytes read while no request is under way start the deadline, and the
/// gateway's handler stops it with the outbound event `RequestReceived` once the request has arrived whole. A
/// keep-alive connection waiting between requests is the idle timeout's business.
final class RequestDeadlineHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = NIOAny

    /// Sent down the pipeline by the gateway's handler when a request has arrived whole.
    struct RequestReceived: Sendable {}

    private let deadline: TimeAmount
    private let logger: Logger
    private var timer: Scheduled<Void>?

    /// Allows `deadline` per request.
    init(deadline: TimeAmount, logger: Logger) {
        self.deadline = deadline
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if timer == nil, unwrapInboundIn(data).readableBytes > 0 { start(context: context) }
        context.fireChannelRead(data)
    }

    private func start(context: ChannelHandlerContext) {
        guard timer == nil else { return }
        let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: deadline) {
            loopBound.value.handler.expired(context: loopBound.value.context)
        }
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is RequestReceived else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        timer?.cancel()
        timer = nil
        promise?.succeed(())
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    private func expired(context: ChannelHandlerContext) {
        guard timer != nil else { return }
        timer = nil
        logger.warning("Closing an HTTP connection whose request did not arrive whole within \(deadline)")
        context.close(promise: nil)
    }
}
