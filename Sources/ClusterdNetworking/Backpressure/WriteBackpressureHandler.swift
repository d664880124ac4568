import Logging
import NIOCore

/// Carries out `WriteBackpressure` on a connection: holds reads back while the socket is not writable and closes
/// a connection that stays unwritable for `stallTimeout`. It passes everything through untouched; put it before
/// the protocol's decoder, with the server's write-buffer water marks setting when the socket counts as
/// writable. Handlers after it see the writability changes too (and may hold their own responses back).
public final class WriteBackpressureHandler: ChannelDuplexHandler {
    /// Inbound data passes through as it is.
    public typealias InboundIn = NIOAny
    /// Outbound data passes through as it is.
    public typealias OutboundIn = NIOAny

    private let stallTimeout: TimeAmount
    private let logger: Logger
    private let name: String
    private var state = WriteBackpressure()
    private var stallTimer: Scheduled<Void>?

    /// Closes a connection unwritable for `stallTimeout`, logging the close under the protocol's `name` ("HTTP").
    public init(stallTimeout: TimeAmount, name: String, logger: Logger) {
        self.stallTimeout = stallTimeout
        self.name = name
        self.logger = logger
    }

    /// Passes the read on unless the socket is not writable.
    public func read(context: ChannelHandlerContext) {
        if state.read() { context.read() }
    }

    /// Starts or cancels the stall timer and lets a held-back read go on; the event is passed on.
    public func channelWritabilityChanged(context: ChannelHandlerContext) {
        switch state.writabilityChanged(isWritable: context.channel.isWritable) {
        case .cancelStallTimer(let read):
            stallTimer?.cancel()
            stallTimer = nil
            if read { context.read() }
        case .startStallTimer:
            let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
            stallTimer = context.eventLoop.scheduleTask(in: stallTimeout) {
                loopBound.value.handler.stallTimerFired(context: loopBound.value.context)
            }
        case .none:
            break
        }
        context.fireChannelWritabilityChanged()
    }

    /// Cancels the stall timer.
    public func channelInactive(context: ChannelHandlerContext) {
        state.connectionClosed()
        stallTimer?.cancel()
        stallTimer = nil
        context.fireChannelInactive()
    }

    private func stallTimerFired(context: ChannelHandlerContext) {
        stallTimer = nil
        guard state.stallTimerFired() else { return }
        logger.warning("Closing an \(name) connection whose peer has not read its responses for \(stallTimeout)")
        context.close(promise: nil)
    }
}
