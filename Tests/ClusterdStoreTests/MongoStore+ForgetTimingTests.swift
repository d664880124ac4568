import ClusterdCore
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

/// How long a run's existence check of its analyses' host messages takes; only with CLUSTERD_FORGET_TIMING set
/// (sizes, comma-separated). Prints the times; asserts only that the answer is right.
@Suite(
    "MongoStore: existence check timing",
    .enabled(if: ProcessInfo.processInfo.environment["CLUSTERD_FORGET_TIMING"] != nil)
)
struct MongoStoreForgetTimingTests {
    @Test func existenceCheck() throws {
        let sizes = (ProcessInfo.processInfo.environment["CLUSTERD_FORGET_TIMING"] ?? "")
            .split(separator: ",").compactMap { Int($0) }
        for size in sizes {
            let store = try EmbeddedMongo.store()
            defer { store.close() }
            let ids = (0..<size).map { RecordID.string(String(format: "msg-%07d", $0)) }
            for start in stride(from: 0, to: size, by: 1_000) {
                try store.insertHostMessages(
                    ids[start..<min(size, start + 1_000)].map {
                        MessageRecord(id: $0, conversationID: .string("c"), role: "user", content: "text")
                    }
                )
            }
            let started = Date()
            let found = try store.hostMessageIDs(among: ids, inConversations: nil)
            let elapsed = Date().timeIntervalSince(started)
            #expect(found.count == size)
            print("existence check of \(size) ids: \(Int(elapsed * 1000)) ms")
        }
    }
}
