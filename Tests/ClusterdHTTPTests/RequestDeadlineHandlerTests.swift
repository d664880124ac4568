import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import ClusterdHTTP

/// The request deadline on an embedded channel with the event loop's manual time: it runs from the connection's
/// opening and from a request's first byte, stops when the request has arrived whole, and does not run while a
/// keep-alive connection waits between requests.
@Suite struct RequestDeadlineHandlerTests {
    private static func channel(deadline: TimeAmount) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            RequestDeadlineHandler(deadline: deadline, logger: Logger(label: "test"))
        )
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    private static func received(_ channel: EmbeddedChannel) {
        channel.pipeline.triggerUserOutboundEvent(RequestDeadlineHandler.RequestReceived(), promise: nil)
    }

    @Test func aSilentConnectionIsClosedAtTheDeadline() throws {
        let channel = try Self.channel(deadline: .seconds(10))
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(9_999))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
    }

    @Test func aTrickledRequestIsClosedTenSecondsAfterItsFirstByte() throws {
        let channel = try Self.channel(deadline: .seconds(10))
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\n"))
        for _ in 0..<9 {
            channel.embeddedEventLoop.advanceTime(by: .seconds(1))
            try channel.writeInbound(ByteBuffer(string: "x"))
        }
        #expect(channel.isActive, "bytes keep arriving: the idle timeout would never fire")
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
    }

    @Test func aWholeRequestStopsTheDeadlineUntilTheNextOnesFirstByte() throws {
        let channel = try Self.channel(deadline: .seconds(10))
        try channel.writeInbound(ByteBuffer(string: "GET /livez HTTP/1.1\r\n\r\n"))
        Self.received(channel)
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive, "waiting between requests is the idle timeout's business")
        try channel.writeInbound(ByteBuffer(string: "GET"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(channel.isActive)
        Self.received(channel)
        channel.embeddedEventLoop.advanceTime(by: .seconds(5))
        #expect(channel.isActive)
        try channel.writeInbound(ByteBuffer(string: "G"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(!channel.isActive)
    }
}
