import ClusterdCore
import ClusterdEmbedding
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@testable import ClusterdService

/// Erasure (ForgetMessages), deleted host messages and retention, against the real embedded MongoDB.
@Suite struct BackgroundClusteringServiceForgetTests {
    private func makeService(
        store: any ServiceStore,
        embedder: any Embedder = HashingEmbedder(),
        enabled: Bool = true,
        keepRuns: Int = 20
    ) -> BackgroundClusteringService {
        var configuration = ServiceConfiguration(
            trigger: TriggerConfiguration(enabled: enabled, messageThreshold: 100, timeThresholdMinutes: 30),
            analysisWorkers: 1,
            queueCapacity: 100,
            notFoundRetryDelays: [0.05],
            // One tick, at start-up: its sweep queues the messages, and no later sweep queues them again.
            tickSeconds: 3600
        )
        configuration.embeddingBatchSize = 1
        // One message per batch: the tests hold one at the embedder while the others wait in the queue.
        configuration.ingestBatchSize = 1
        configuration.keepRuns = keepRuns
        return BackgroundClusteringService(
            configuration: configuration,
            store: store,
            embedder: embedder,
            logger: Logger(label: "test")
        )
    }

    private func message(_ id: String, _ conversation: String, _ text: String) -> MessageRecord {
        MessageRecord(id: .string(id), conversationID: .string(conversation), role: "user", content: text)
    }

    @Test("forgotten queued messages are not analysed, and one in flight is erased again once its save lands")
    func queuedAndInFlight() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        try store.insertHostMessages(
            (0..<4).map { message("q-\($0)", "c", "refund number \($0)") } + [message("r-0", "d", "shipping late")]
        )
        let embedder = GateEmbedder()
        embedder.close()
        let service = makeService(store: store, embedder: embedder)
        service.start()
        defer {
            embedder.open()
            service.shutdown()
        }
        // The start-up sweep queued all five; q-0 is in flight at the gate.
        #expect(waitUntil { embedder.waiting == 1 && service.status().queueDepth == 5 })

        let conversation = try service.forgetConversation(id: "d")
        #expect(conversation.analyses == 0)
        #expect(service.status().queueDepth == 4, "r-0 left the queue")

        let result = Mutex<Result<ErasureCounts, ServiceError>?>(nil)
        DispatchQueue.global().async {
            let outcome = Result { () throws(ServiceError) in try service.forgetMessages(ids: ["q-0", "q-2"]) }
            result.withLock { $0 = outcome }
        }
        // q-2 leaves the queue at once; the erasure then waits for q-0, in flight.
        #expect(waitUntil { service.status().queueDepth == 3 })
        embedder.open()
        #expect(waitUntil { result.withLock { $0 } != nil })
        let counts = try #require(try result.withLock { $0 }?.get())
        #expect(counts.analyses >= 1)
        #expect(try waitUntil { try store.analysis(messageID: .string("q-3")) != nil })
        #expect(try store.analysis(messageID: .string("q-1")) != nil)
        for id in ["q-0", "q-2", "r-0"] {
            #expect(try store.analysis(messageID: .string(id)) == nil, "\(id) was analysed after it was forgotten")
        }
    }

    @Test("invalid erasure requests are refused with clear errors")
    func invalidRequests() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let service = makeService(store: store)
        func message(_ body: () throws(ServiceError) -> ErasureCounts) -> String? {
            do throws(ServiceError) {
                _ = try body()
                return nil
            } catch {
                #expect(error.code == .invalidArgument)
                return error.message
            }
        }
        #expect(
            message { () throws(ServiceError) in try service.forgetMessages(ids: []) }?.contains("no message ids")
                == true
        )
        #expect(
            message { () throws(ServiceError) in try service.forgetMessages(ids: ["a", ""]) }
                == "message_ids[1]: message_id is empty"
        )
        let tooMany = Array(repeating: "m", count: 10_001)
        #expect(
            message { () throws(ServiceError) in try service.forgetMessages(ids: tooMany) }?.contains("at most 10000")
                == true
        )
        #expect(
            message { () throws(ServiceError) in try service.forgetConversation(id: "") } == "conversation_id is empty"
        )
        let long = String(repeating: "x", count: 1025)
        #expect(
            message { () throws(ServiceError) in try service.forgetConversation(id: long) }?.contains(
                "longer than 1024"
            ) == true
        )
    }

    @Test("a host message deleted before a run is not in that run and its analysis is gone; old runs are pruned")
    func deletedHostMessageLeavesTheNextRun() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        try store.insertHostMessages([
            message("a-0", "a", "refund my order"), message("a-1", "a", "refund still missing"),
            message("b-0", "b", "shipping is late"), message("b-1", "b", "where is my parcel"),
        ])
        // Disabled: nothing is analysed until a forced run catches up inline.
        let service = makeService(store: store, enabled: false, keepRuns: 1)
        service.start()
        defer { service.shutdown() }
        _ = service.forceClustering()
        #expect(try waitUntil { try store.latestRun()?.status == .succeeded })
        let first = try #require(try store.latestRun())
        #expect(first.totalMessages == 4)
        #expect(try !store.clusters(runID: first.id).isEmpty)

        try store.deleteHostMessages(ids: [.string("a-1")])
        #expect(waitUntil { !service.status().clusteringInProgress })
        _ = service.forceClustering()
        #expect(try waitUntil { try store.latestRun().map { $0.id != first.id && $0.status == .succeeded } ?? false })
        let second = try #require(try store.latestRun())
        #expect(second.totalMessages == 3)
        #expect(try store.analysis(messageID: .string("a-1")) == nil)
        // keepRuns 1: the pruning after the second run took the first run's clusters and assignments.
        #expect(
            try waitUntil { try store.clusters(runID: first.id).isEmpty && store.assignments(runID: first.id).isEmpty }
        )
        #expect(try !store.clusters(runID: second.id).isEmpty)
    }

    @Test("a run during which an erasure began is not published; its clusters are pruned and the next run is clean")
    func erasureDuringARun() throws {
        let mongo = try EmbeddedMongo.store()
        defer { mongo.close() }
        try mongo.insertHostMessages([
            message("a-0", "a", "refund my order"), message("b-0", "b", "shipping is late"),
            message("c-0", "c", "refund please"),
        ])
        let store = FlakyStore(mongo)
        let service = makeService(store: store, enabled: false)
        service.start()
        defer { service.shutdown() }
        let erased = Mutex<ErasureCounts?>(nil)
        store.afterSavingClusters.withLock {
            $0 = { @Sendable [weak service] in
                store.afterSavingClusters.withLock { $0 = nil }
                // The host deletes the conversation's message and asks clusterd to forget the conversation.
                _ = try? mongo.deleteHostMessages(ids: [.string("a-0")])
                let counts = try? service?.forgetConversation(id: "a")
                erased.withLock { $0 = counts }
            }
        }
        _ = service.forceClustering()
        #expect(try waitUntil { try mongo.latestRun().map { $0.status != .running } ?? false })
        let interrupted = try #require(try mongo.latestRun())
        #expect(interrupted.status == .failed)
        #expect(interrupted.error?.contains("erasure") == true, "\(interrupted.error ?? "")")
        #expect(erased.withLock { $0 }?.analyses == 1)
        #expect(try waitUntil { try mongo.clusters(runID: interrupted.id).isEmpty })
        #expect(try mongo.latestSuccessfulRun() == nil)

        #expect(waitUntil { !service.status().clusteringInProgress })
        _ = service.forceClustering()
        #expect(try waitUntil { try mongo.latestSuccessfulRun() != nil })
        let clean = try #require(try mongo.latestSuccessfulRun())
        #expect(clean.totalConversations == 2, "conversation a was erased")
        #expect(try !mongo.assignments(runID: clean.id).contains { $0.conversationID == .string("a") })
    }
}
