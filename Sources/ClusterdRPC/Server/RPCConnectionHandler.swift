import Logging
import NIOCore

/// Serves one connection: authenticates, decodes frames, dispatches requests and writes replies in any order.
///
/// Backpressure: it stops reading while `maxInFlightPerConnection` calls await their replies or while the socket
/// is not writable (a peer that does not read its replies), and closes a connection that stays unwritable for
/// `writeStallTimeout`, so neither queued calls nor outbound bytes grow without bound.
final class RPCConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = InboundFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        /// The server has a token and no Hello has been accepted yet.
        case awaitingHello
        /// Requests are served.
        case open
        /// An error was sent and the connection is closing; input is ignored.
        case closing
    }

    private let service: any RPCServiceHandler
    private let configuration: RPCServer.Configuration
    private let logger: Logger
    private let counters: RPCServerCounters
    private let metrics: RPCMetrics
    private var state: State
    /// Calls dispatched whose replies are not written yet.
    private var inFlight = 0
    /// A read was held back by the backpressure rules.
    private var readPending = false
    /// Between a read burst's first `channelRead` and its `channelReadComplete`: replies answered synchronously are
    /// written and flushed once at the end of the burst (one syscall for a pipelined batch, as the echo ceiling does).
    private var inReadBurst = false
    /// Replies written but not flushed yet.
    private var flushPending = false
    private var stallTimer: Scheduled<Void>?

    init(
        service: any RPCServiceHandler,
        configuration: RPCServer.Configuration,
        counters: RPCServerCounters,
        metrics: RPCMetrics,
        logger: Logger
    ) {
        self.service = service
        self.configuration = configuration
        self.counters = counters
        self.metrics = metrics
        self.logger = logger
        self.state = configuration.token == nil ? .open : .awaitingHello
    }

    // MARK: - Backpressure

    func read(context: ChannelHandlerContext) {
        if inFlight >= configuration.maxInFlightPerConnection || !context.channel.isWritable {
            readPending = true
            return
        }
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            stallTimer?.cancel()
            stallTimer = nil
            resumeReading(context: context)
        } else if stallTimer == nil {
            let channel = context.channel
            let logger = self.logger
            let timeout = configuration.writeStallTimeout
            stallTimer = context.eventLoop.scheduleTask(in: timeout) {
                logger.warning("Closing a connection whose peer has not read its replies for \(timeout)")
                channel.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stallTimer?.cancel()
        stallTimer = nil
        if inFlight > 0 { counters.finished(inFlight) }
        inFlight = 0
        context.fireChannelInactive()
    }

    private func resumeReading(context: ChannelHandlerContext) {
        guard readPending, inFlight < configuration.maxInFlightPerConnection, context.channel.isWritable else {
            return
        }
        readPending = false
        context.read()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            logger.debug("Closing an idle connection")
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        inReadBurst = false
        if flushPending {
            flushPending = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inReadBurst = true
        switch unwrapInboundIn(data) {
        case .oversized(let length):
            metrics.record(.invalid, .resourceExhausted, since: .now())
            refuse(
                context: context,
                callID: 0,
                error: RPCError(
                    code: .resourceExhausted,
                    message: "frame of \(length) bytes exceeds the limit of \(configuration.maxFrameBytes) bytes"
                )
            )
        case .frame(let bytes):
            receive(context: context, bytes: bytes)
        }
    }

    private func receive(context: ChannelHandlerContext, bytes: ByteBuffer) {
        let start = NIODeadline.now()
        let frame: RPCFrame
        do {
            frame = try WireCodec.decode(bytes.readableBytesView)
        } catch {
            if case .awaitingHello = state {
                metrics.record(.invalid, .unauthenticated, since: start)
                refuse(context: context, callID: 0, error: Self.helloRequired)
            } else {
                metrics.record(.invalid, error.code, since: start)
                write(context: context, RPCFrame(callID: 0, reply: .error(error)))
            }
            return
        }
        switch state {
        case .closing:
            return
        case .awaitingHello:
            guard case .request(.hello(_, _, let token)) = frame.body,
                let expected = configuration.token,
                TokenComparison.constantTimeEquals(token, expected)
            else {
                logger.warning("Refused a connection: missing or wrong token")
                metrics.record(Self.method(of: frame.body), .unauthenticated, since: start)
                refuse(context: context, callID: frame.callID, error: Self.helloRequired)
                return
            }
            state = .open
            dispatch(context: context, frame: frame, start: start)
        case .open:
            dispatch(context: context, frame: frame, start: start)
        }
    }

    private static let helloRequired = RPCError(
        code: .unauthenticated,
        message: "this server requires a Hello with a valid token as the first frame"
    )

    private static func method(of body: RPCMessage) -> RPCMethod {
        if case .request(let request) = body { return RPCMethod(request) }
        return .invalid
    }

    private func dispatch(context: ChannelHandlerContext, frame: RPCFrame, start: NIODeadline) {
        switch frame.body {
        case .request(.hello(let version, let clientName, _)):
            answerHello(context: context, callID: frame.callID, version: version, clientName: clientName, start: start)
        case .unknown:
            let error = RPCError(code: .unimplemented, message: "unknown body kind for protocol version 1")
            metrics.record(.invalid, error.code, since: start)
            write(context: context, RPCFrame(callID: frame.callID, reply: .error(error)))
        case .reply:
            let error = RPCError(code: .invalidArgument, message: "a reply body is not a request")
            metrics.record(.invalid, error.code, since: start)
            write(context: context, RPCFrame(callID: frame.callID, reply: .error(error)))
        case .request(let request):
            let callID = frame.callID
            let method = RPCMethod(request)
            if let packed = service.packedReply(to: request, receivedAt: start.uptimeNanoseconds) {
                write(context: context, packed.buffer(callID: callID, allocator: context.channel.allocator))
                metrics.record(method, packed.code, since: start)
                return
            }
            let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
            let eventLoop = context.eventLoop
            inFlight += 1
            counters.started()
            service.dispatch(request) { reply in
                if eventLoop.inEventLoop {
                    loopBound.value.handler.complete(context: loopBound.value.context, callID, reply, method, start)
                } else {
                    eventLoop.execute {
                        loopBound.value.handler.complete(context: loopBound.value.context, callID, reply, method, start)
                    }
                }
            }
        }
    }

    /// Writes a dispatched call's reply, records it, and lets reading resume if it was held back.
    private func complete(
        context: ChannelHandlerContext,
        _ callID: UInt64,
        _ reply: RPCReply,
        _ method: RPCMethod,
        _ start: NIODeadline
    ) {
        guard inFlight > 0 else { return }  // the connection closed meanwhile; channelInactive settled the count
        inFlight -= 1
        counters.finished(1)
        write(context: context, RPCFrame(callID: callID, reply: reply))
        metrics.record(method, reply.code, since: start)
        resumeReading(context: context)
    }

    private func answerHello(
        context: ChannelHandlerContext,
        callID: UInt64,
        version: UInt32,
        clientName: String,
        start: NIODeadline
    ) {
        if version > WireCodec.protocolVersion {
            let error = RPCError(
                code: .failedPrecondition,
                message: "protocol version \(version) is not supported; this server speaks \(WireCodec.protocolVersion)"
            )
            metrics.record(.hello, error.code, since: start)
            write(context: context, RPCFrame(callID: callID, reply: .error(error)))
            return
        }
        logger.debug("Hello from \(clientName)")
        let reply = RPCReply.hello(
            protocolVersion: WireCodec.protocolVersion,
            serverVersion: configuration.serverVersion,
            maxFrameBytes: configuration.maxFrameBytes
        )
        metrics.record(.hello, .ok, since: start)
        write(context: context, RPCFrame(callID: callID, reply: reply))
    }

    private func write(context: ChannelHandlerContext, _ frame: RPCFrame) {
        guard context.channel.isActive else { return }
        write(context: context, FrameEncoding.buffer(for: frame, allocator: context.channel.allocator))
    }

    /// Writes a whole frame: within a read burst without flushing (the burst's end flushes once), else at once.
    private func write(context: ChannelHandlerContext, _ frame: ByteBuffer) {
        guard context.channel.isActive else { return }
        let buffer = wrapOutboundOut(frame)
        if inReadBurst {
            context.write(buffer, promise: nil)
            flushPending = true
        } else {
            context.writeAndFlush(buffer, promise: nil)
        }
    }

    private func refuse(context: ChannelHandlerContext, callID: UInt64, error: RPCError) {
        guard case .closing = state else {
            state = .closing
            let buffer = FrameEncoding.buffer(
                for: RPCFrame(callID: callID, reply: .error(error)),
                allocator: context.channel.allocator
            )
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
            return
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.debug("Connection error: \(error)")
        context.close(promise: nil)
    }
}
