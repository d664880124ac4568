import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import ClusterdNetworking

/// The write-backpressure rule as a value, and its handler on an embedded channel with the event loop's manual
/// time: reads are held back while the socket is unwritable, and a connection unwritable for the whole stall
/// timeout (not a moment less) is closed.
@Suite struct WriteBackpressureTests {
    @Test func readsAreHeldWhileUnwritableAndResumeAfter() {
        var rule = WriteBackpressure()
        var steps: [String] = []
        steps.append("read \(rule.read())")
        steps.append("unwritable \(rule.writabilityChanged(isWritable: false))")
        steps.append("read \(rule.read()) pending \(rule.readPending)")
        steps.append("unwritable \(rule.writabilityChanged(isWritable: false))")
        steps.append("writable \(rule.writabilityChanged(isWritable: true)) pending \(rule.readPending)")
        steps.append("read \(rule.read())")
        steps.append("unwritable \(rule.writabilityChanged(isWritable: false))")
        steps.append("writable \(rule.writabilityChanged(isWritable: true))")
        // A timer that fires after writability came back closes nothing.
        steps.append("fired \(rule.stallTimerFired())")
        #expect(
            steps == [
                "read true", "unwritable startStallTimer", "read false pending true", "unwritable none",
                "writable cancelStallTimer(read: true) pending false", "read true", "unwritable startStallTimer",
                "writable cancelStallTimer(read: false)", "fired false",
            ]
        )
    }

    @Test func aStallPastTheTimeoutCloses() {
        var rule = WriteBackpressure()
        _ = rule.writabilityChanged(isWritable: false)
        let fired = rule.stallTimerFired()
        let read = rule.read()
        let writable = rule.writabilityChanged(isWritable: true)
        #expect(fired && rule.closed)
        #expect(!read && !rule.readPending)
        #expect(writable == .none)
    }

    /// Counts the reads that reach the channel's head.
    private final class ReadCounter: ChannelOutboundHandler {
        typealias OutboundIn = NIOAny
        var reads = 0
        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    @Test func theHandlerHoldsReadsAndClosesAfterTheStallTimeout() throws {
        let counter = ReadCounter()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(counter)
        try channel.pipeline.syncOperations.addHandler(
            WriteBackpressureHandler(stallTimeout: .seconds(30), name: "HTTP", logger: Logger(label: "test"))
        )
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        channel.read()
        #expect(counter.reads == 1)
        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        channel.read()
        #expect(counter.reads == 1, "held back while unwritable")
        channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(channel.isActive)
        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        #expect(counter.reads == 2, "the held-back read goes on")
        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(channel.isActive, "the timer restarted when the socket stalled again")
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive, "closed after 30 s unwritable")
    }
}
