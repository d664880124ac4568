import NIOCore
import NIOEmbedded
import Testing

@testable import ClusterdNetworking

/// `claim`: a second tier of places inside a server's admission (the HTTP gateway's data places), counted until the
/// connection closes, with nothing sent to a connection beyond it.
@Suite struct ConnectionAdmissionClaimTests {
    @Test func claimsUpToTheLimitWithoutRefusingAndFreesOnClose() throws {
        let places = ConnectionAdmission(limit: 1, refusal: Array("unused".utf8))
        let first = EmbeddedChannel()
        let second = EmbeddedChannel()
        let claimedFirst = places.claim(first)
        let claimedSecond = places.claim(second)
        #expect(claimedFirst && !claimedSecond)
        try second.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        #expect(try second.readOutbound(as: ByteBuffer.self) == nil, "nothing is sent beyond the limit")
        #expect(second.isActive)
        try first.close().wait()
        first.embeddedEventLoop.run()
        #expect(places.openConnections == 0)
        let third = EmbeddedChannel()
        #expect(places.claim(third))
        _ = try? second.finish()
        _ = try? third.finish()
    }
}
