import ClusterdCore
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Logging
import Testing

@testable import ClusterdService

/// A forced run sees every message triggered before it: it waits for the analyses queued or in flight.
@Suite struct ForcedRunBarrierTests {
    private func service(store: MongoStore, embedder: GateEmbedder, waitSeconds: Double) -> BackgroundClusteringService
    {
        var configuration = ServiceConfiguration(
            trigger: TriggerConfiguration(enabled: true, messageThreshold: 1000, timeThresholdMinutes: 600),
            analysisWorkers: 2,
            queueCapacity: 100,
            tickSeconds: 3600
        )
        configuration.forcedRunWaitSeconds = waitSeconds
        return BackgroundClusteringService(
            configuration: configuration,
            store: store,
            embedder: embedder,
            logger: Logger(label: "test")
        )
    }

    private func insertConversations(_ store: MongoStore) throws -> [String] {
        let texts = [
            ["refund my order", "where is my refund"], ["book a table", "dinner for two"], ["flight to paris"],
        ]
        var ids: [String] = []
        for (index, conversation) in texts.enumerated() {
            let messages = conversation.enumerated().map { position, text in
                MessageRecord(
                    id: .string("b\(index)-\(position)"),
                    conversationID: .string("conversation-\(index)"),
                    role: "user",
                    content: text
                )
            }
            try store.insertHostMessages(messages)
            ids += messages.map(\.id.description)
        }
        return ids
    }

    @Test func aForcedRunWaitsForTheAnalysesQueuedBeforeIt() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let embedder = GateEmbedder()
        let service = service(store: store, embedder: embedder, waitSeconds: 60)
        service.start()
        defer { service.shutdown() }
        #expect(waitUntil { service.readiness().acceptingWork })
        service.tickAndWait()
        embedder.close()
        for id in try insertConversations(store) { _ = try service.triggerAnalysis(messageID: id, conversationID: nil) }
        #expect(waitUntil { embedder.waiting > 0 })

        #expect(service.forceClustering().started)
        // The run waits in its catching_up stage (a thread in the state's bounded wait) while the analyses are held.
        #expect(waitUntil { service.state.waitingThreads > 0 })
        #expect(service.status().clusteringStage == "catching_up")
        embedder.open()

        #expect(try waitUntil { try store.latestSuccessfulRun() != nil })
        let run = try #require(try store.latestSuccessfulRun())
        #expect(run.totalConversations == 3)
        #expect(run.totalMessages == 5)
    }

    @Test func theWaitIsBounded() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let embedder = GateEmbedder()
        let service = service(store: store, embedder: embedder, waitSeconds: 0.2)
        service.start()
        defer {
            embedder.open()
            service.shutdown()
        }
        #expect(waitUntil { service.readiness().acceptingWork })
        service.tickAndWait()
        embedder.close()
        for id in try insertConversations(store) { _ = try service.triggerAnalysis(messageID: id, conversationID: nil) }
        #expect(waitUntil { embedder.waiting > 0 })

        #expect(service.forceClustering().started)
        // Held analyses never finish, yet the run goes on after the bound (with nothing analysed: skipped).
        #expect(waitUntil { service.status().lastRun?.status == "skipped" })
        #expect(service.status().queueDepth == 5)
    }
}
