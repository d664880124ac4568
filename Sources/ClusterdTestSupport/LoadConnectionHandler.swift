import ClusterdRPC
import Histogram
import NIOCore

/// One load connection: keeps `depth` calls outstanding (or paces them at `interval`), records each reply's
/// latency, and reports when its calls are all answered after the send window closes.
final class LoadConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked Sendable: every mutable field is touched only on the channel's event loop (the handler is
    // created before connecting and then used only from its pipeline and tasks scheduled on that loop).
    typealias InboundIn = InboundFrame

    /// What one connection saw.
    struct Outcome: Sendable {
        var replies = 0
        var errors: [RPCStatusCode: Int] = [:]
        var unmatched = 0
        var unanswered = 0
        var broken = false
        var latency = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
        var lastReply = NIODeadline.now()
    }

    private let connection: Int
    private let depth: Int
    private let stopSending: NIODeadline
    private let interval: TimeAmount?
    private let budget: SharedBudget
    private let body: @Sendable (Int, Int) -> FrameBody
    private let done: EventLoopPromise<Outcome>
    private var outstanding: [UInt64: NIODeadline] = [:]
    private var sequence = 0
    private var outcome = Outcome()
    private var finished = false
    private var context: ChannelHandlerContext?
    private var pacer: RepeatedTask?

    init(
        connection: Int,
        depth: Int,
        stopSending: NIODeadline,
        interval: TimeAmount?,
        budget: SharedBudget,
        body: @escaping @Sendable (Int, Int) -> FrameBody,
        done: EventLoopPromise<Outcome>
    ) {
        self.connection = connection
        self.depth = depth
        self.stopSending = stopSending
        self.interval = interval
        self.budget = budget
        self.body = body
        self.done = done
    }

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        if let interval {
            // Open loop: one call per interval, latency counted from when it was due (no coordinated omission).
            pacer = context.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: interval) { [self] task in
                guard NIODeadline.now() < stopSending else {
                    task.cancel()
                    finishIfDrained()
                    return
                }
                send(intended: .now())
            }
        } else {
            for _ in 0..<depth { send(intended: .now()) }
            context.flush()
        }
    }

    private func send(intended: NIODeadline) {
        guard let context, NIODeadline.now() < stopSending, budget.take() else { return }
        sequence += 1
        let callID = UInt64(sequence)
        outstanding[callID] = intended
        let frame = RPCFrame(callID: callID, body: body(connection, sequence))
        context.writeAndFlush(
            NIOAny(FrameEncoding.buffer(for: frame, allocator: context.channel.allocator)),
            promise: nil
        )
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .frame(let bytes) = unwrapInboundIn(data), let frame = try? WireCodec.decode(bytes.readableBytesView)
        else {
            outcome.broken = true
            context.close(promise: nil)
            return
        }
        let now = NIODeadline.now()
        guard let sentAt = outstanding.removeValue(forKey: frame.callID) else {
            outcome.unmatched += 1
            return
        }
        outcome.replies += 1
        outcome.lastReply = now
        _ = outcome.latency.record(UInt64(max(0, now.uptimeNanoseconds - sentAt.uptimeNanoseconds)))
        if case .error(let error) = frame.body { outcome.errors[error.code, default: 0] += 1 }
        if interval == nil { send(intended: now) }
        finishIfDrained()
    }

    private func finishIfDrained() {
        let sendingOver = NIODeadline.now() >= stopSending || pacer == nil && outstanding.isEmpty
        if sendingOver && outstanding.isEmpty { finish() }
    }

    /// Gives up on outstanding calls (the drain timeout fired).
    func abandon() {
        context?.eventLoop.execute { self.finish() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !finished { outcome.broken = true }
        finish()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        outcome.broken = true
        context.close(promise: nil)
    }

    private func finish() {
        guard !finished else { return }
        finished = true
        pacer?.cancel()
        outcome.unanswered = outstanding.count
        done.succeed(outcome)
        context?.close(promise: nil)
    }
}
