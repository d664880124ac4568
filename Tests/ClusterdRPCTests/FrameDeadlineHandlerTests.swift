import NIOCore
import NIOEmbedded
import Testing

@testable import ClusterdRPC

@Suite struct FrameDeadlineHandlerTests {
    private func connectedChannel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(handler: FrameDeadlineHandler(deadline: .seconds(10)))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7420)).wait()
        return channel
    }

    @Test func aPartialFrameIsClosedAtTheDeadline() throws {
        let channel = try connectedChannel()
        try channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 9, 1]))
        channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(channel.isActive)
        // More bytes of the same frame do not extend its deadline.
        try channel.writeInbound(ByteBuffer(bytes: [2, 3]))
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }

    @Test func wholeFramesNeverTripTheDeadline() throws {
        let channel = try connectedChannel()
        for _ in 0..<5 {
            try channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 2, 7, 7, 0, 0, 0, 0]))
            channel.embeddedEventLoop.advanceTime(by: .seconds(8))
        }
        #expect(channel.isActive)
        // Bytes pass through untouched.
        var seen = 0
        while let buffer = try channel.readInbound(as: ByteBuffer.self) { seen += buffer.readableBytes }
        #expect(seen == 50)
        _ = try channel.finish()
    }

    @Test func aConnectionThatSendsNothingIsClosedAtTheHelloDeadline() throws {
        let channel = EmbeddedChannel(handler: FrameDeadlineHandler(deadline: .seconds(10), helloDeadline: .seconds(5)))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7420)).wait()
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(4900))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(200))
        #expect(!channel.isActive)
    }

    @Test func aFirstFrameInTimeEndsTheHelloDeadline() throws {
        let channel = EmbeddedChannel(handler: FrameDeadlineHandler(deadline: .seconds(10), helloDeadline: .seconds(5)))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7420)).wait()
        channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        try channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 1, 9]))
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    @Test func bothDeadlinesArePausedWhileTheServerHoldsReadsBack() throws {
        let handler = FrameDeadlineHandler(deadline: .seconds(2), helloDeadline: .seconds(5))
        let channel = EmbeddedChannel(handler: handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7420)).wait()
        // A whole frame and half of the next.
        try channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 1, 9, 0, 0, 0, 4, 1]))
        channel.pipeline.triggerUserOutboundEvent(ReadPause.paused, promise: nil)
        channel.embeddedEventLoop.advanceTime(by: .seconds(30))
        #expect(channel.isActive, "the server held the bytes back, not the peer")
        // Reading resumes: the deadline starts over.
        channel.pipeline.triggerUserOutboundEvent(ReadPause.resumed, promise: nil)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1900))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(200))
        #expect(!channel.isActive)
    }

    @Test func aFrameSplitAcrossReadsCompletesInTime() throws {
        let channel = try connectedChannel()
        try channel.writeInbound(ByteBuffer(bytes: [0, 0]))
        channel.embeddedEventLoop.advanceTime(by: .seconds(5))
        try channel.writeInbound(ByteBuffer(bytes: [0, 3, 1, 2, 3]))
        channel.embeddedEventLoop.advanceTime(by: .seconds(30))
        #expect(channel.isActive)
        _ = try channel.finish()
    }
}
