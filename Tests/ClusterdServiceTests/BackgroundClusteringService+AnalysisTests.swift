import ClusterdCore
import ClusterdEmbedding
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@testable import ClusterdService

/// Micro-batching on the analysis lane: waiting messages are embedded together, a lone message is not held back,
/// and one bad text in a batch fails only its own message.
@Suite(.timeLimit(.minutes(2)))
struct BackgroundClusteringServiceAnalysisTests {
    /// The hashing embedder, recording the size of each call; calls can be held at a gate, and texts containing
    /// "poison" make the whole call throw.
    final class RecordingEmbedder: Embedder {
        struct State {
            var calls: [Int] = []
            var waiting = 0
        }

        let identifier = "recording"
        let dimension = 384
        let isFallback = false
        let state: Mutex<State>
        private let inner = HashingEmbedder()

        private let gate: Gate

        init(gated: Bool) {
            state = Mutex(State())
            gate = Gate(open: !gated)
        }

        func embed(_ texts: [String]) throws -> [[Float]] {
            state.withLock { $0.waiting += 1 }
            gate.pass(within: 60)
            state.withLock {
                $0.waiting -= 1
                $0.calls.append(texts.count)
            }
            if texts.contains(where: { $0.contains("poison") }) { throw ServiceError(.invalidArgument, "poison") }
            return try inner.embed(texts)
        }

        var calls: [Int] { state.withLock { $0.calls } }
        var waiting: Int { state.withLock { $0.waiting } }
        func release() { gate.open() }
    }

    private func startedService(store: MongoStore, embedder: any Embedder, workers: Int = 2)
        -> BackgroundClusteringService
    {
        var configuration = ServiceConfiguration(
            trigger: TriggerConfiguration(enabled: true, messageThreshold: 1000, timeThresholdMinutes: 30),
            analysisWorkers: workers,
            queueCapacity: 1000,
            maxAttempts: 3,
            notFoundRetryDelays: [0.05],
            tickSeconds: 60
        )
        configuration.embeddingBatchSize = 32
        // Triggers only: the change stream would queue the inserted messages on its own, racing the triggers whose
        // batching these tests check.
        configuration.changeStream = .off
        let service = BackgroundClusteringService(
            configuration: configuration,
            store: store,
            embedder: embedder,
            logger: Logger(label: "test")
        )
        // Start-up's full catch-up sweep runs on an empty collection: the tests insert their messages after it, so
        // it cannot queue them ahead of the triggers whose batching they check.
        service.start()
        service.waitForStartUp()
        return service
    }

    private func insert(_ texts: [String], prefix: String, into store: MongoStore) throws -> [String] {
        let records = texts.enumerated().map { index, text in
            MessageRecord(
                id: .string("\(prefix)-\(index)"),
                conversationID: .string("c\(index % 3)"),
                role: "user",
                content: text
            )
        }
        try store.insertHostMessages(records)
        return records.map(\.id.description)
    }

    @Test func waitingMessagesAreEmbeddedTogetherWithTheSameVectorsAsAlone() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let texts = (0..<41).map { "message number \($0) about refund order \($0 % 5)" }
        let embedder = RecordingEmbedder(gated: true)
        // One worker: it takes the first message alone and is held in the embedder while 40 more arrive.
        let service = startedService(store: store, embedder: embedder, workers: 1)
        defer { service.shutdown() }
        let ids = try insert(texts, prefix: "burst", into: store)
        _ = try service.triggerAnalysis(messageID: ids[0], conversationID: nil)
        #expect(waitUntil { embedder.waiting == 1 })
        for id in ids.dropFirst() { _ = try service.triggerAnalysis(messageID: id, conversationID: nil) }
        #expect(service.status().queueDepth == 41)
        embedder.release()
        #expect(waitUntil { service.status().analyzedTotal == 41 && service.status().queueDepth == 0 })
        // The first alone; the 40 in calls of at most 32 (a second operation may take the first of them alone before
        // the others arrive), never one call each.
        let calls = embedder.calls
        #expect(calls.first == 1 && calls.dropFirst().reduce(0, +) == 40)
        #expect(calls.dropFirst().allSatisfy { $0 <= 32 } && calls.count <= 4, "\(calls)")
        for (index, id) in ids.enumerated() {
            let analysis = try #require(try store.analysis(messageID: .string(id)))
            #expect(analysis.embedding == HashingEmbedder().vector(for: texts[index]))
            #expect(analysis.embedder == "recording")
        }
        #expect(service.status().inFlightAnalyses == 0)
    }

    @Test func aLoneMessageIsEmbeddedAtOnceOnItsOwn() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let embedder = RecordingEmbedder(gated: false)
        let service = startedService(store: store, embedder: embedder)
        defer { service.shutdown() }
        let ids = try insert(["just one message"], prefix: "lone", into: store)
        _ = try service.triggerAnalysis(messageID: ids[0], conversationID: nil)
        #expect(waitUntil(10) { service.status().analyzedTotal == 1 })
        #expect(embedder.calls == [1])
    }

    @Test func oneBadTextInABatchFailsOnlyItsOwnMessage() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let texts = ["good one", "good two", "this is poison", "good three", "good four"]
        let embedder = RecordingEmbedder(gated: true)
        let service = startedService(store: store, embedder: embedder)
        defer { service.shutdown() }
        let ids = try insert(texts, prefix: "mixed", into: store)
        for id in ids { _ = try service.triggerAnalysis(messageID: id, conversationID: nil) }
        #expect(waitUntil { embedder.waiting >= 1 })
        embedder.release()
        #expect(waitUntil { service.status().analyzedTotal == 4 && service.status().queueDepth == 0 })
        #expect(try store.analysis(messageID: .string("mixed-2")) == nil)
        #expect(service.status().failedTotal >= 1)
        #expect(service.status().lastError.contains("embedding message mixed-2 failed"))
        for index in [0, 1, 3, 4] {
            #expect(try store.analysis(messageID: .string("mixed-\(index)")) != nil)
        }
    }
}
