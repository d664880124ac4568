import NIOCore

/// Closes a connection whose first frame (the Hello) does not arrive whole within the Hello deadline of connecting,
/// and one whose frame does not arrive whole within the frame deadline counted from its first byte, so a peer that
/// sends nothing, or trickles bytes (one a second), cannot hold a connection slot and a partial buffer for long.
///
/// Both deadlines are paused while the server itself holds reads back (`ReadPause`): bytes the server has not read
/// are not the peer's delay. A resumed deadline starts over.
///
/// It sits before the frame decoder and only follows frame boundaries (4-byte length, then the body); the bytes
/// pass through untouched.
final class FrameDeadlineHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = Any
    typealias OutboundOut = Any

    private let deadline: TimeAmount
    private let helloDeadline: TimeAmount?
    private var header: [UInt8] = []
    private var bodyRemaining: UInt64 = 0
    private var timer: Scheduled<Void>?
    private var helloTimer: Scheduled<Void>?
    /// No whole frame has arrived yet: the Hello deadline applies.
    private(set) var awaitingFirstFrame: Bool
    /// The server holds reads back: no deadline runs.
    private(set) var paused = false

    /// Creates a handler allowing `deadline` per frame and, when `helloDeadline` is set, that long from connecting
    /// for the first whole frame.
    init(deadline: TimeAmount, helloDeadline: TimeAmount? = nil) {
        self.deadline = deadline
        self.helloDeadline = helloDeadline
        self.awaitingFirstFrame = helloDeadline != nil
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { rearm(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        rearm(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let completed = track(buffer.readableBytesView)
        if completed {
            awaitingFirstFrame = false
            helloTimer?.cancel()
            helloTimer = nil
        }
        if completed || !isMidFrame { cancelTimer() }
        rearm(context: context)
        context.fireChannelRead(data)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let pause = event as? ReadPause else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        paused = pause == .paused
        cancelTimers()
        rearm(context: context)
        promise?.succeed(())
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimers()
        context.fireChannelInactive()
    }

    /// True between a frame's first byte and its last.
    var isMidFrame: Bool { !header.isEmpty || bodyRemaining > 0 }

    /// Starts the deadlines that apply now and do not run yet, unless reads are paused.
    private func rearm(context: ChannelHandlerContext) {
        guard !paused, context.channel.isActive else { return }
        let channel = context.channel
        if helloTimer == nil, awaitingFirstFrame, let helloDeadline {
            helloTimer = context.eventLoop.scheduleTask(in: helloDeadline) { channel.close(promise: nil) }
        }
        if timer == nil, isMidFrame {
            timer = context.eventLoop.scheduleTask(in: deadline) { channel.close(promise: nil) }
        }
    }

    /// Cancels the frame deadline.
    private func cancelTimer() {
        timer?.cancel()
        timer = nil
    }

    /// Cancels both deadlines.
    private func cancelTimers() {
        cancelTimer()
        helloTimer?.cancel()
        helloTimer = nil
    }

    /// Advances over `bytes`; true when at least one frame ended in them (a frame that ends restarts the deadline
    /// for the next one).
    private func track(_ bytes: ByteBufferView) -> Bool {
        var completed = false
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bodyRemaining > 0 {
                let available = UInt64(bytes.endIndex - index)
                let step = min(available, bodyRemaining)
                bodyRemaining -= step
                index += Int(step)
                if bodyRemaining == 0 { completed = true }
                continue
            }
            if header.isEmpty, bytes.endIndex - index >= 4 {
                // A whole length prefix in this read (the common case): no byte-by-byte collection.
                var length: UInt64 = 0
                for offset in 0..<4 { length = length << 8 | UInt64(bytes[index + offset]) }
                index += 4
                bodyRemaining = length
                if length == 0 { completed = true }
                continue
            }
            header.append(bytes[index])
            index += 1
            if header.count == 4 {
                let length = header.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                header.removeAll(keepingCapacity: true)
                bodyRemaining = length
                if length == 0 { completed = true }
            }
        }
        return completed
    }
}
