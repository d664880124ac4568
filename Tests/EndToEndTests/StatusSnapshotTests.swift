import ClusterdCore
import ClusterdRPC
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd {
    /// GetStatus answers from a packed reply shared between calls: it must still show every change at once.
    @Suite("Status snapshot")
    struct StatusSnapshot {
        @Test("a trigger shows in the very next GetStatus, even while status calls reuse one reply; uptime moves on")
        func statusSeesEveryChangeAtOnce() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let corpus = Corpus(conversationsPerTopic: 2, messagesPerConversation: 2)
            try corpus.insert(into: store)
            // Disabled: triggers are recorded only, so nothing but the triggers changes the counters.
            try await ServerProcess.with(store: configuration, environment: ["BACKGROUND_CLUSTERING_ENABLED": "false"])
            { server in
                let client = try await server.connect()
                var previous = try await client.status()
                for id in corpus.messageIDs {
                    // Warm the shared reply, then change the state and look again on the same connection.
                    for _ in 0..<20 { _ = try await client.status() }
                    let outcome = try await client.triggerAnalysis(messageID: id)
                    #expect(outcome == .recorded)
                    let next = try await client.status()
                    #expect(next.triggersTotal == previous.triggersTotal + 1, "after triggering \(id)")
                    #expect(next.uptimeSeconds >= previous.uptimeSeconds)
                    previous = next
                }
                let before = try await client.status()
                try await Task.sleep(for: .milliseconds(50))
                let after = try await client.status()
                #expect(after.uptimeSeconds > before.uptimeSeconds, "the clock-derived fields are refreshed")
                #expect(after.triggersTotal == corpus.messageIDs.count)
                await client.close()
            }
        }
    }
}
