import ClusterdCore
import ClusterdRPC
import ClusterdTestSupport
import Foundation
import NIOCore
import Synchronization
import Testing

@testable import ClusterdServer

/// GetStatus's shared reply: reused while nothing changed and for at most `maxAge`, rebuilt after either.
@Suite struct StatusReplyCacheTests {
    /// The status a packed reply carries.
    private static func status(_ packed: PackedReply) throws -> ServiceStatus {
        var buffer = packed.buffer(callID: 1, allocator: ByteBufferAllocator())
        buffer.moveReaderIndex(forwardBy: 4)
        let frame = try WireCodec.decode(buffer.readableBytesView)
        guard case .reply(.getStatus(let status)) = frame.body else {
            Issue.record("not a status reply: \(frame.body)")
            return ServiceStatus()
        }
        return status
    }

    @Test func aReplyIsReusedUntilTheStateChangesOrItAges() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let clock = Mutex(Date(timeIntervalSince1970: 1_000_000))
        let service = ServiceFixture.service(store: store, now: { clock.withLock { $0 } })
        defer { service.shutdown() }
        let cache = StatusReplyCache(service: service)
        let millisecond: UInt64 = 1_000_000

        let first = try Self.status(cache.reply(now: 0))
        #expect(first.uptimeSeconds == 0)
        // The service's clock moves on, but within maxAge and with the state unchanged the packed reply is reused.
        clock.withLock { $0.addTimeInterval(5) }
        #expect(try Self.status(cache.reply(now: 9 * millisecond)).uptimeSeconds == 0)
        // Past maxAge it is rebuilt.
        #expect(try Self.status(cache.reply(now: StatusReplyCache.maxAge + millisecond)).uptimeSeconds == 5)
        // A change of state (a trigger) rebuilds it at once.
        clock.withLock { $0.addTimeInterval(1) }
        _ = try service.triggerAnalysis(messageID: "m-1", conversationID: nil)
        let changed = try Self.status(cache.reply(now: StatusReplyCache.maxAge + 2 * millisecond))
        #expect(changed.triggersTotal == 1)
        #expect(changed.uptimeSeconds == 6)
    }
}
