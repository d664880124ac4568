import NIOCore

/// Closes a connection whose frame does not arrive whole within a deadline counted from its first byte, so a
/// peer that trickles bytes (one a second) cannot hold a connection and a partial buffer forever.
///
/// It sits before the frame decoder and only follows frame boundaries (4-byte length, then the body); the bytes
/// pass through untouched.
final class FrameDeadlineHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let deadline: TimeAmount
    private var header: [UInt8] = []
    private var bodyRemaining: UInt64 = 0
    private var timer: Scheduled<Void>?

    /// Creates a handler allowing `deadline` per frame.
    init(deadline: TimeAmount) {
        self.deadline = deadline
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        track(buffer.readableBytesView)
        if isMidFrame {
            if timer == nil {
                let channel = context.channel
                timer = context.eventLoop.scheduleTask(in: deadline) { channel.close(promise: nil) }
            }
        } else {
            timer?.cancel()
            timer = nil
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    /// True between a frame's first byte and its last.
    var isMidFrame: Bool { !header.isEmpty || bodyRemaining > 0 }

    /// Advances over `bytes`, completing frames; a frame that ends restarts the deadline for the next one.
    private func track(_ bytes: ByteBufferView) {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bodyRemaining > 0 {
                let available = UInt64(bytes.endIndex - index)
                let step = min(available, bodyRemaining)
                bodyRemaining -= step
                index += Int(step)
                if bodyRemaining == 0 { frameCompleted() }
                continue
            }
            if header.isEmpty, bytes.endIndex - index >= 4 {
                // A whole length prefix in this read (the common case): no byte-by-byte collection.
                var length: UInt64 = 0
                for offset in 0..<4 { length = length << 8 | UInt64(bytes[index + offset]) }
                index += 4
                bodyRemaining = length
                if length == 0 { frameCompleted() }
                continue
            }
            header.append(bytes[index])
            index += 1
            if header.count == 4 {
                let length = header.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                header.removeAll(keepingCapacity: true)
                bodyRemaining = length
                if length == 0 { frameCompleted() }
            }
        }
    }

    private func frameCompleted() {
        timer?.cancel()
        timer = nil
    }
}
