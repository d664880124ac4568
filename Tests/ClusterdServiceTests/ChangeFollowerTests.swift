import ClusterdCore
import ClusterdEmbedding
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Logging
import MetricsTestKit
import Testing

@testable import ClusterdService

/// The change stream lane, in process against the embedded MongoDB-wire server (a single-node replica set). The
/// timer is slow (an hour) and the store's sweep scans come back empty (`FlakyStore.sweepBlind`), so only the change
/// stream (or a trigger) can bring a message to analysis.
@Suite(.timeLimit(.minutes(3)))
struct ChangeFollowerTests {
    /// A started service whose start-up has finished, its change stream following (or settled when `following` is
    /// false).
    func startService(
        store: any ServiceStore,
        metrics: TestMetrics = TestMetrics(),
        embedder: any Embedder = HashingEmbedder(),
        mode: ChangeStreamMode = .auto,
        queueCapacity: Int = 100,
        following: Bool = true
    ) throws -> BackgroundClusteringService {
        var configuration = ServiceConfiguration(
            trigger: TriggerConfiguration(enabled: true, messageThreshold: 100_000, timeThresholdMinutes: 100_000),
            analysisWorkers: 2,
            queueCapacity: queueCapacity,
            notFoundRetryDelays: [0.05],
            tickSeconds: 3600
        )
        configuration.changeStream = mode
        let service = BackgroundClusteringService.started(
            configuration: configuration,
            store: store,
            embedder: embedder,
            clock: ManualClock(),
            metrics: metrics
        )
        if following {
            #expect(waitUntil { service.changeStreamState == .following }, "\(service.changeStreamState)")
        }
        return service
    }

    func blind(_ store: MongoStore) -> FlakyStore {
        let flaky = FlakyStore(store)
        flaky.sweepBlind = true
        return flaky
    }

    func insert(_ ids: [String], into store: MongoStore, text: String = "refund for my order") throws {
        try store.insertHostMessages(
            ids.map { MessageRecord(id: .string($0), conversationID: .string("c"), role: "user", content: text) }
        )
    }

    func analysed(_ ids: [String], _ store: MongoStore) throws -> Bool {
        try store.analysedMessageIDs(among: ids.map { .string($0) }).count == ids.count
    }

    func events(_ metrics: TestMetrics, _ type: String) -> Int64 {
        (try? metrics.expectCounter("clusterd_change_stream_events_total", [("type", type)]).totalValue) ?? 0
    }

    @Test func messagesInsertedWithoutTriggersAreAnalysedPromptly() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let metrics = TestMetrics()
        let service = try startService(store: blind(store), metrics: metrics)
        defer { service.shutdown() }
        try insert(["m-1", "m-2", "m-3"], into: store)
        #expect(try waitUntil(20) { try analysed(["m-1", "m-2", "m-3"], store) })
        #expect(service.state.read { $0.triggersTotal } == 0)
        #expect(events(metrics, "insert") == 3)
        service.updateMetricGauges()
        let following = try metrics.expectGauge("clusterd_change_stream_state", [("state", "following")])
        #expect(following.lastValue == 1)
    }

    @Test func aRestartedServiceResumesFromTheSavedPosition() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let first = try startService(store: blind(store))
        try insert(["a-1"], into: store)
        #expect(try waitUntil(20) { try analysed(["a-1"], store) })
        first.shutdown()
        #expect(first.changeStreamState == .stopped)
        #expect(try store.changeStreamToken() != nil, "a clean shutdown saves the position")

        // Inserted while no service runs: only a stream resumed from the saved position reports them.
        try insert(["b-1", "b-2"], into: store)
        let second = try startService(store: blind(store))
        defer { second.shutdown() }
        #expect(try waitUntil(20) { try analysed(["b-1", "b-2"], store) })
        #expect(second.state.read { $0.changeStreamInserts } == 2)
    }

    @Test func aSavedPositionTheServerCannotResumeFromIsDroppedForNow() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let unusable = ChangeStreamToken(#"{ "_data" : "00" }"#)
        try store.saveChangeStreamToken(unusable, now: Date())
        let service = try startService(store: blind(store))
        defer { service.shutdown() }
        try insert(["u-1"], into: store)
        #expect(try waitUntil(20) { try analysed(["u-1"], store) })
        #expect(try waitUntil(20) { try store.changeStreamToken() != unusable }, "a new position replaces it")
    }

    @Test func aDeletedMessageLosesItsAnalysis() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let metrics = TestMetrics()
        let service = try startService(store: blind(store), metrics: metrics)
        defer { service.shutdown() }
        try insert(["d-1", "d-2"], into: store)
        #expect(try waitUntil(20) { try analysed(["d-1", "d-2"], store) })
        #expect(try store.deleteHostMessages(ids: [.string("d-1")]) == 1)
        #expect(try waitUntil(20) { try store.analysis(messageID: .string("d-1")) == nil })
        #expect(try store.analysis(messageID: .string("d-2")) != nil)
        // The event is counted after its deletion is applied: wait for the count too.
        #expect(waitUntil(20) { events(metrics, "delete") == 1 })
    }

    @Test func aTriggerAndTheChangeEventForOneMessageAnalyseItOnce() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let embedder = GateEmbedder()
        embedder.close()
        let service = try startService(store: blind(store), embedder: embedder)
        defer {
            embedder.open()
            service.shutdown()
        }
        try insert(["t-1"], into: store)
        _ = try service.triggerAnalysis(messageID: "t-1", conversationID: nil)
        // The analysis is held at the embedder while the change event arrives: the event finds it pending.
        #expect(waitUntil(20) { service.state.read { $0.changeStreamInserts } == 1 })
        embedder.open()
        #expect(try waitUntil(20) { try analysed(["t-1"], store) && service.queueDepth == 0 })
        // A later event for the analysed message (a replace) finds its analysis and queues nothing.
        try store.replaceHostMessage(
            MessageRecord(id: .string("t-1"), conversationID: .string("c"), role: "user", content: "edited")
        )
        #expect(waitUntil(20) { service.state.read { $0.changeStreamInserts } == 2 })
        service.maintenanceQueue.waitUntilAllOperationsAreFinished()
        service.analysis.queue.waitUntilAllOperationsAreFinished()
        #expect(try store.attemptTotals().attempts == 1, "one analysis attempt in all")
    }

    @Test func aStandaloneServerLeavesTheServiceOnSweeps() throws {
        let store = try EmbeddedMongo.standaloneStore()
        defer { store.close() }
        let metrics = TestMetrics()
        let service = try startService(store: store, metrics: metrics, following: false)
        defer { service.shutdown() }
        #expect(waitUntil(20) { service.changeStreamState == .unsupported }, "\(service.changeStreamState)")
        try insert(["s-1"], into: store)
        service.tickAndWait()
        #expect(try waitUntil(20) { try analysed(["s-1"], store) }, "the sweep finds it")
        service.updateMetricGauges()
        #expect(try metrics.expectGauge("clusterd_change_stream_state", [("state", "unsupported")]).lastValue == 1)
    }

    @Test func offMeansNoStream() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let service = try startService(store: blind(store), mode: .off, following: false)
        defer { service.shutdown() }
        #expect(service.changeStreamState == .off)
        try insert(["o-1"], into: store)
        service.tickAndWait()
        #expect(service.state.read { $0.changeStreamInserts } == 0)
        #expect(try store.changeStreamToken() == nil)
    }

    @Test func shutdownWhileFollowingIsPrompt() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let service = try startService(store: blind(store))
        let started = ContinuousClock.now
        service.shutdown()
        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(service.changeStreamState == .stopped)
    }

    @Test func aFullQueueIsWaitedOutNotDropped() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let embedder = GateEmbedder()
        embedder.close()
        let service = try startService(store: blind(store), embedder: embedder, queueCapacity: 2)
        defer {
            embedder.open()
            service.shutdown()
        }
        let ids = (1...6).map { "q-\($0)" }
        try insert(ids, into: store)
        #expect(waitUntil(20) { service.queueDepth == 2 })
        #expect(service.state.read { $0.triggersRefused } == 0)
        embedder.open()
        #expect(try waitUntil(30) { try analysed(ids, store) })
    }

    @Test func anEditedMessageIsAnalysedAgain() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let metrics = TestMetrics()
        let service = try startService(store: blind(store), metrics: metrics)
        defer { service.shutdown() }
        try insert(["e-1", "e-2"], into: store, text: "refund for my order")
        #expect(try waitUntil(20) { try analysed(["e-1", "e-2"], store) })
        let before = try #require(try store.analysis(messageID: .string("e-1")))
        try store.replaceHostMessage(
            MessageRecord(
                id: .string("e-1"),
                conversationID: .string("c"),
                role: "user",
                content: "parcel shipping late"
            )
        )
        try store.updateHostMessage(id: .string("e-2"), setting: ["content": "parcel shipping late"])
        #expect(
            try waitUntil(20) {
                try ["e-1", "e-2"].allSatisfy { id in
                    try store.analysis(messageID: .string(id)).map { $0.concepts != before.concepts } ?? false
                }
            }
        )
        #expect(events(metrics, "replace") == 2)
        #expect(waitUntil { service.status().analyzedTotal == 2 }, "distinct messages, not analyses made")
    }

    @Test func whileTheStreamFollowsOnlyTheFirstAutomaticRunChecksThatItsMessagesExist() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let flaky = blind(store)
        let service = try startService(store: flaky)
        defer { service.shutdown() }
        try store.insertHostMessages(
            ["a", "b", "c"].flatMap { conversation in
                (0..<2).map {
                    MessageRecord(
                        id: .string("\(conversation)-\($0)"),
                        conversationID: .string(conversation),
                        role: "user",
                        content: "message \($0) of \(conversation)"
                    )
                }
            }
        )
        #expect(try waitUntil(20) { try store.countAnalyses() == 6 })
        // The first-run rule (no run yet, 2 analysed) may have started one: either it or the next run checks, once.
        #expect(waitUntil { !service.status().clusteringInProgress && !service.status().followUpQueued })
        // The service's clock stands still: the new run is the one not there before.
        func runToEnd(forced: Bool = false) throws -> ClusteringRun {
            let before = Set(try store.recentRuns(limit: 100).map(\.id))
            service.clustering.queue.addOperation { service.clustering.run(reason: "test", forced: forced) }
            #expect(
                try waitUntil(30) {
                    let runs = try store.recentRuns(limit: 100)
                    // An automatic run (the deletion's trigger) may come beside the test's: at least one new.
                    return runs.count > before.count && runs.allSatisfy { $0.status != .running }
                }
            )
            return try #require(try store.recentRuns(limit: 100).first { !before.contains($0.id) })
        }
        #expect(try runToEnd().totalMessages == 6)
        #expect(flaky.existenceChecks.load(ordering: .sequentiallyConsistent) == 1)
        // The stream deletes the analysis as the host deletes the message: the next run needs no check.
        #expect(try store.deleteHostMessages(ids: [.string("c-1")]) == 1)
        #expect(try waitUntil(20) { try store.analysis(messageID: .string("c-1")) == nil })
        #expect(try runToEnd().totalMessages == 5)
        #expect(flaky.existenceChecks.load(ordering: .sequentiallyConsistent) == 1)
        // A forced run checks all the same.
        #expect(try runToEnd(forced: true).totalMessages == 5)
        #expect(flaky.existenceChecks.load(ordering: .sequentiallyConsistent) == 2)
    }
}
