import NIOCore
import NIOEmbedded
import Testing

@testable import ClusterdNetworking

/// Admission without sockets: counting up to the limit, refusing beyond it with the protocol's bytes, and giving a
/// place back when a connection closes.
@Suite struct ConnectionAdmissionTests {
    private static let refusal = Array("no room".utf8)

    /// An embedded channel that is connected (active) like an accepted one, once admitted or refused.
    private static func connected(_ channel: EmbeddedChannel) throws {
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    }

    @Test func admitsUpToTheLimitAndCountsUntilClose() throws {
        let admission = ConnectionAdmission(limit: 2, refusal: Self.refusal)
        let first = EmbeddedChannel()
        let second = EmbeddedChannel()
        #expect(try admission.admit(first))
        #expect(try admission.admit(second))
        try Self.connected(first)
        try Self.connected(second)
        #expect(admission.openConnections == 2)
        try first.close().wait()
        first.embeddedEventLoop.run()
        #expect(admission.openConnections == 1)
        let third = EmbeddedChannel()
        #expect(try admission.admit(third), "the closed connection's place is free again")
        try Self.connected(third)
        #expect(admission.openConnections == 2)
        _ = try second.finish()
        _ = try third.finish()
        #expect(admission.openConnections == 0)
    }

    @Test func beyondTheLimitTheConnectionGetsTheRefusalAndIsClosed() throws {
        let admission = ConnectionAdmission(limit: 1, refusal: Self.refusal)
        let admitted = EmbeddedChannel()
        #expect(try admission.admit(admitted))
        try Self.connected(admitted)
        let refused = EmbeddedChannel()
        #expect(try admission.admit(refused) == false)
        #expect(admission.openConnections == 1, "a refused connection is not counted")
        try Self.connected(refused)
        let written = try #require(try refused.readOutbound(as: ByteBuffer.self))
        #expect(Array(written.readableBytesView) == Self.refusal)
        refused.embeddedEventLoop.run()
        #expect(!refused.isActive, "closed once the refusal is written")
        // What a refused peer would send is dropped, not parsed.
        #expect(admission.openConnections == 1)
        _ = try admitted.finish()
        #expect(admission.openConnections == 0)
    }

    @Test func theLimitIsAtLeastOne() {
        let admission = ConnectionAdmission(limit: 0, refusal: [])
        #expect(admission.limit == 1)
        #expect(admission.reserve())
        #expect(admission.reserve() == false)
        admission.release()
        #expect(admission.reserve())
    }

    @Test func concurrentAdmissionsNeverExceedTheLimit() async {
        let admission = ConnectionAdmission(limit: 50, refusal: [])
        let admitted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<200 { group.addTask { admission.reserve() } }
            var count = 0
            for await taken in group where taken { count += 1 }
            return count
        }
        #expect(admitted == 50)
        #expect(admission.openConnections == 50)
    }
}
