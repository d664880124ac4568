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
    private let body: @Sendable (Int, Int) -> RPCRequest
    private let done: EventLoopPromise<Outcome>
    private var outstanding: [UInt64: NIODeadline] = [:]
    private var sequence = 0
    private var outcome = Outcome()
    private var finished = false
    private var context: ChannelHandlerContext?
    private var pacer: Scheduled<Void>?
    /// Calls written since the last flush (closed loop).
    private var flushPending = false
    /// When the next paced call is due.
    private var due: NIODeadline

    init(
        connection: Int,
        depth: Int,
        stopSending: NIODeadline,
        interval: TimeAmount?,
        firstDue: NIODeadline,
        budget: SharedBudget,
        body: @escaping @Sendable (Int, Int) -> RPCRequest,
        done: EventLoopPromise<Outcome>
    ) {
        self.connection = connection
        self.depth = depth
        self.stopSending = stopSending
        self.interval = interval
        self.due = firstDue
        self.budget = budget
        self.body = body
        self.done = done
    }

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        if let interval {
            // Open loop at a fixed rate: every call is sent at (or, when the loop is late, right after) its due time
            // and its latency counted from that due time, so a slow reply or a late timer is never left out
            // (no coordinated omission).
            pace(interval: interval)
        } else {
            for _ in 0..<depth { send(intended: .now()) }
            context.flush()
        }
    }

    private func pace(interval: TimeAmount) {
        guard let context else { return }
        let now = NIODeadline.now()
        guard now < stopSending else {
            pacer = nil
            finishIfDrained()
            return
        }
        var sent = false
        while due <= now && due < stopSending {
            send(intended: due)
            due = due + interval
            sent = true
        }
        if sent { context.flush() }
        pacer = context.eventLoop.scheduleTask(deadline: min(due, stopSending)) { [self] in pace(interval: interval) }
    }

    /// Writes one call without flushing: each caller flushes once for all the calls it wrote.
    private func send(intended: NIODeadline) {
        guard let context, NIODeadline.now() < stopSending, budget.take() else { return }
        sequence += 1
        let callID = UInt64(sequence)
        outstanding[callID] = intended
        let frame = RPCFrame(callID: callID, request: body(connection, sequence))
        context.write(NIOAny(FrameEncoding.buffer(for: frame, allocator: context.channel.allocator)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Only the call id is read (and an error's code): the client's cost per reply does not grow with its size.
        guard case .frame(let bytes) = unwrapInboundIn(data),
            let header = bytes.withUnsafeReadableBytes({ FrameHeader.scan($0) })
        else {
            outcome.broken = true
            context.close(promise: nil)
            return
        }
        let now = NIODeadline.now()
        guard let sentAt = outstanding.removeValue(forKey: header.callID) else {
            outcome.unmatched += 1
            return
        }
        outcome.replies += 1
        outcome.lastReply = now
        _ = outcome.latency.record(UInt64(max(0, now.uptimeNanoseconds - sentAt.uptimeNanoseconds)))
        if header.isError {
            let code: RPCStatusCode
            if case .reply(.error(let error)) = (try? WireCodec.decode(bytes.readableBytesView))?.body {
                code = error.code
            } else {
                code = .internal
            }
            outcome.errors[code, default: 0] += 1
        }
        if interval == nil {
            send(intended: now)
            flushPending = true
        }
        finishIfDrained()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // The calls replacing a read burst's replies go out in one write.
        if flushPending {
            flushPending = false
            context.flush()
        }
    }

    private func finishIfDrained() {
        let sendingOver = NIODeadline.now() >= stopSending || interval == nil && outstanding.isEmpty
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
