import Logging
import NIOCore

/// Serves one connection: decodes frames, carries out what its `RPCConnectionStateMachine` decides (answer, refuse,
/// serve, pause or resume reading, close), and writes replies in any order.
///
/// Backpressure: reading stops while `maxInFlightPerConnection` calls await their replies or while the socket is
/// not writable (a peer that does not read its replies), and a connection that stays unwritable for
/// `writeStallTimeout` is closed, so neither queued calls nor outbound bytes grow without bound. The limit holds per
/// frame: frames of a read burst beyond it wait in the state machine until calls complete. While reading is held
/// back the frame deadline is paused (`ReadPause`), and when the connection closes its calls' `CallCancellation` is
/// set, so work queued for them is dropped.
final class RPCConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = InboundFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let service: any RPCServiceHandler
    private let configuration: RPCServer.Configuration
    private let logger: Logger
    private let counters: RPCServerCounters
    private let metrics: RPCMetrics
    private var state: RPCConnectionStateMachine
    private var stallTimer: Scheduled<Void>?
    private var lingerTimer: Scheduled<Void>?
    /// Set when the connection closes: the calls still queued for it are dropped, not run.
    private let cancellation = CallCancellation()
    /// A `ReadPause.paused` was sent and no `.resumed` since.
    private var readsPaused = false
    /// Who calls on this connection (curation changes are logged under it).
    private var caller: RPCCaller

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
        self.caller = RPCCaller(authenticated: configuration.token != nil)
        self.state = RPCConnectionStateMachine(
            token: configuration.token,
            maxFrameBytes: configuration.maxFrameBytes,
            maxInFlight: configuration.maxInFlightPerConnection
        )
    }

    // MARK: - Backpressure and timers

    func read(context: ChannelHandlerContext) {
        if state.read() {
            passRead(context: context)
        } else if !readsPaused {
            readsPaused = true
            context.triggerUserOutboundEvent(ReadPause.paused, promise: nil)
        }
    }

    /// Passes a read on, first telling the frame deadline that reading resumed if it was paused.
    private func passRead(context: ChannelHandlerContext) {
        if readsPaused {
            readsPaused = false
            context.triggerUserOutboundEvent(ReadPause.resumed, promise: nil)
        }
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        switch state.writabilityChanged(isWritable: context.channel.isWritable) {
        case .cancelStallTimer(let read):
            stallTimer?.cancel()
            stallTimer = nil
            if read { passRead(context: context) }
        case .startStallTimer:
            let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
            stallTimer = context.eventLoop.scheduleTask(in: configuration.writeStallTimeout) {
                loopBound.value.handler.stallTimerFired(context: loopBound.value.context)
            }
        case .none:
            break
        }
        context.fireChannelWritabilityChanged()
    }

    private func stallTimerFired(context: ChannelHandlerContext) {
        guard state.stallTimerFired() else { return }
        logger.warning(
            "Closing a connection whose peer has not read its replies for \(configuration.writeStallTimeout)"
        )
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        stallTimer?.cancel()
        stallTimer = nil
        lingerTimer?.cancel()
        lingerTimer = nil
        cancellation.cancel()
        let unsettled = state.closed()
        if unsettled > 0 { counters.finished(unsettled) }
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read, state.idleTimeout() {
            logger.debug("Closing an idle connection")
            context.close(promise: nil)
            return
        }
        if event is ChannelShouldQuiesceEvent {
            if state.quiesce() {
                let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
                lingerTimer = context.eventLoop.scheduleTask(in: configuration.quiesceLinger) {
                    let (handler, context) = loopBound.value
                    if handler.state.lingerEnded() { handler.closeAfterWrites(context: context) }
                }
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.debug("Connection error: \(error)")
        context.close(promise: nil)
    }

    // MARK: - Frames

    func channelReadComplete(context: ChannelHandlerContext) {
        if state.readComplete() { context.flush() }
        context.fireChannelReadComplete()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let frame = state.frameArrived(unwrapInboundIn(data)) { handle(frame, context: context) }
    }

    /// Serves the frames that waited for calls to complete, as far as the in-flight limit allows, flushes their
    /// replies, and reads on when nothing waits any more.
    private func serveHeldFrames(context: ChannelHandlerContext) {
        var served = false
        while let frame = state.nextHeldFrame() {
            handle(frame, context: context)
            served = true
        }
        guard served else { return }
        if state.readComplete() { context.flush() }
        if state.resumeReading() { passRead(context: context) }
    }

    private func handle(_ frame: InboundFrame, context: ChannelHandlerContext) {
        let start = NIODeadline.now()
        let action: RPCConnectionStateMachine.FrameAction
        switch frame {
        case .oversized(let length):
            action = state.frameOversized(length: length)
        case .frame(let bytes):
            do {
                action = state.frameReceived(try WireCodec.decode(bytes.readableBytesView))
            } catch {
                action = state.frameUndecodable(error)
            }
        }
        perform(action, context: context, start: start)
    }

    private func perform(
        _ action: RPCConnectionStateMachine.FrameAction,
        context: ChannelHandlerContext,
        start: NIODeadline
    ) {
        switch action {
        case .ignore:
            return
        case .serve(let callID, let request):
            serve(request, callID: callID, context: context, start: start)
        case .answerHello(let callID, let clientName):
            logger.debug("Hello from \(clientName)")
            caller.clientName = clientName
            let reply = RPCReply.hello(
                protocolVersion: WireCodec.protocolVersion,
                serverVersion: configuration.serverVersion,
                maxFrameBytes: configuration.maxFrameBytes
            )
            metrics.record(.hello, .ok, since: start)
            write(context: context, RPCFrame(callID: callID, reply: reply))
        case .fail(let callID, let error, let method):
            metrics.record(method, error.code, since: start)
            write(context: context, RPCFrame(callID: callID, reply: .error(error)))
        case .refuse(let callID, let error, let method):
            if error.code == .unauthenticated { logger.warning("Refused a connection: missing or wrong token") }
            metrics.record(method, error.code, since: start)
            let buffer = FrameEncoding.buffer(
                for: RPCFrame(callID: callID, reply: .error(error)),
                allocator: context.channel.allocator
            )
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    private func serve(_ request: RPCRequest, callID: UInt64, context: ChannelHandlerContext, start: NIODeadline) {
        let method = RPCMethod(request)
        if let packed = service.packedReply(to: request, receivedAt: start.uptimeNanoseconds) {
            write(context: context, packed.buffer(callID: callID, allocator: context.channel.allocator))
            metrics.record(method, packed.code, since: start)
            return
        }
        let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        state.callStarted()
        counters.started()
        service.dispatch(request, caller: caller, cancellation: cancellation) { reply in
            if eventLoop.inEventLoop {
                loopBound.value.handler.complete(context: loopBound.value.context, callID, reply, method, start)
            } else {
                eventLoop.execute {
                    loopBound.value.handler.complete(context: loopBound.value.context, callID, reply, method, start)
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
        guard case .write(let read, let close) = state.callCompleted() else { return }
        counters.finished(1)
        write(context: context, RPCFrame(callID: callID, reply: reply))
        metrics.record(method, reply.code, since: start)
        if read { passRead(context: context) }
        if close {
            closeAfterWrites(context: context)
        } else {
            serveHeldFrames(context: context)
        }
    }

    /// Closes the connection once everything written so far has gone out (an empty write completes after them).
    private func closeAfterWrites(context: ChannelHandlerContext) {
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    private func write(context: ChannelHandlerContext, _ frame: RPCFrame) {
        guard context.channel.isActive else { return }
        write(context: context, FrameEncoding.buffer(for: frame, allocator: context.channel.allocator))
    }

    /// Writes a whole frame: within a read burst without flushing (the burst's end flushes once), else at once.
    private func write(context: ChannelHandlerContext, _ frame: ByteBuffer) {
        guard context.channel.isActive else { return }
        if state.replyWritten() {
            context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
        } else {
            context.write(wrapOutboundOut(frame), promise: nil)
        }
    }
}
