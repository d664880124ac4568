import ClusterdCore
import ClusterdEmbedding
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Logging
import MetricsTestKit
import Testing

@testable import ClusterdService

/// The catch-up sweep: incremental above its watermark, full at start-up, every `fullSweepSeconds` and after the
/// events that may leave an unanalysed message below the watermark. In process against the embedded MongoDB-wire
/// server; the timer is slow (an hour) and the test runs each tick itself, with the service's clock in its hand.
@Suite(.timeLimit(.minutes(3)))
struct BackgroundClusteringServiceMaintenanceTests {
    static let fullSweepSeconds = 600.0

    /// A started service whose start-up (state load and first, full sweep) has finished.
    func startService(
        store: any ServiceStore,
        clock: ManualClock,
        metrics: TestMetrics,
        embedder: any Embedder = HashingEmbedder(),
        queueCapacity: Int = 100,
        sweepBatchSize: Int = 1_000,
        maxAttempts: Int = 3
    ) throws -> BackgroundClusteringService {
        var configuration = ServiceConfiguration(
            trigger: TriggerConfiguration(enabled: true, messageThreshold: 100_000, timeThresholdMinutes: 100_000),
            analysisWorkers: 2,
            queueCapacity: queueCapacity,
            maxAttempts: maxAttempts,
            notFoundRetryDelays: [0.05],
            tickSeconds: 3600,
            sweepBatchSize: sweepBatchSize
        )
        configuration.fullSweepSeconds = Self.fullSweepSeconds
        // The sweep alone: a change stream would find the inserted messages first (ChangeFollowerTests cover it).
        configuration.changeStream = .off
        return BackgroundClusteringService.started(
            configuration: configuration,
            store: store,
            embedder: embedder,
            clock: clock,
            metrics: metrics
        )
    }

    func insert(_ ids: [String], into store: MongoStore, text: String = "refund for my order") throws {
        try store.insertHostMessages(
            ids.map { MessageRecord(id: .string($0), conversationID: .string("c"), role: "user", content: text) }
        )
    }

    func analysed(_ id: String, _ store: MongoStore) throws -> Bool {
        try store.analysis(messageID: .string(id)) != nil
    }

    func sweeps(_ metrics: TestMetrics, _ kind: String) -> Int64 {
        (try? metrics.expectCounter("clusterd_sweeps_total", [("kind", kind)]).totalValue) ?? 0
    }

    func watermark(_ service: BackgroundClusteringService) -> RecordID? {
        service.state.read { $0.sweep.watermark }
    }

    @Test func anIncrementalSweepSkipsLowerIdsThatTheNextFullSweepFinds() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        try insert(["m-5", "m-6"], into: store)
        let clock = ManualClock()
        let metrics = TestMetrics()
        let service = try startService(store: store, clock: clock, metrics: metrics)
        defer { service.shutdown() }
        #expect(try waitUntil { try store.countAnalyses() == 2 && service.queueDepth == 0 })
        #expect(sweeps(metrics, "full") == 1, "start-up sweeps everything")
        #expect(watermark(service) == .string("m-6"))

        // Neither is triggered: m-1 sorts below the watermark, m-9 above it.
        try insert(["m-1", "m-9"], into: store)
        service.tickAndWait()
        #expect(try waitUntil { try analysed("m-9", store) && service.queueDepth == 0 })
        #expect(watermark(service) == .string("m-9"))
        service.tickAndWait()
        // The tick ran to the end: its sweep queued nothing (nothing pending, nothing more swept), and the analysis
        // lane has nothing left to run.
        #expect(service.queueDepth == 0)
        #expect(service.status().sweptTotal == 3)
        service.analysis.queue.waitUntilAllOperationsAreFinished()
        #expect(try !analysed("m-1", store), "incremental sweeps look above the watermark only")
        #expect(sweeps(metrics, "full") == 1)
        #expect(sweeps(metrics, "incremental") == 2)

        // Not yet due: still incremental.
        clock.advance(by: Self.fullSweepSeconds - 1)
        service.tickAndWait()
        #expect(sweeps(metrics, "full") == 1)
        clock.advance(by: 1)
        service.tickAndWait()
        #expect(sweeps(metrics, "full") == 2, "a full sweep every fullSweepSeconds")
        #expect(try waitUntil { try analysed("m-1", store) })
        #expect(service.status().sweptTotal == 4)
    }

    @Test func aSweepStoppedAtItsLimitGoesOnAsSoonAsTheQueueHasRoomNotAtTheNextTick() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let ids = (1...5).map { "z-\($0)" }
        try insert(ids, into: store)
        let clock = ManualClock()
        let metrics = TestMetrics()
        let service = try startService(store: store, clock: clock, metrics: metrics, sweepBatchSize: 2)
        defer { service.shutdown() }
        // No tick after start-up: each analysed batch lets the open pass take its next step.
        #expect(try waitUntil { try store.countAnalyses() == 5 && service.queueDepth == 0 })
        service.maintenanceQueue.waitUntilAllOperationsAreFinished()
        #expect(watermark(service) == .string("z-5"))
        #expect(sweeps(metrics, "full") == 1)
        #expect(sweeps(metrics, "incremental") == 0, "its later steps go on with the one pass: no new query")
        #expect(service.status().sweptTotal == 5)
        // Every id up to z-5 has left the queue: the next step saves that as where a restart resumes.
        service.tickAndWait()
        #expect(try store.sweepPosition() == .string("z-5"))
    }

    @Test func aRestartResumesTheSweepFromItsSavedPosition() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        try insert(["r-2", "r-3"], into: store)
        let clock = ManualClock()
        let first = try startService(store: store, clock: clock, metrics: TestMetrics())
        #expect(try waitUntil { try store.countAnalyses() == 2 && first.queueDepth == 0 })
        first.tickAndWait()
        #expect(try store.sweepPosition() == .string("r-3"))
        first.shutdown()

        // Neither is triggered: r-1 sorts behind the saved position, r-4 after it.
        try insert(["r-1", "r-4"], into: store)
        let metrics = TestMetrics()
        let second = try startService(store: store, clock: clock, metrics: metrics)
        defer { second.shutdown() }
        #expect(try waitUntil { try analysed("r-4", store) && second.queueDepth == 0 })
        #expect(sweeps(metrics, "full") == 0, "resumed from the saved position, not from the first message")
        #expect(try !analysed("r-1", store), "only a pass from the first message looks behind the position")
        clock.advance(by: Self.fullSweepSeconds)
        second.tickAndWait()
        #expect(try waitUntil { try analysed("r-1", store) })
    }

    @Test func aTriggerRefusedForAFullQueueMakesTheNextSweepFull() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        try insert(["x-7", "x-8"], into: store)
        let clock = ManualClock()
        let metrics = TestMetrics()
        let embedder = GateEmbedder()
        let service = try startService(
            store: store,
            clock: clock,
            metrics: metrics,
            embedder: embedder,
            queueCapacity: 2
        )
        defer { service.shutdown() }
        #expect(try waitUntil { try store.countAnalyses() == 2 && service.queueDepth == 0 })
        #expect(watermark(service) == .string("x-8"))

        // Fill the queue with two new messages held at the embedder; x-1 (below the watermark) is then refused.
        embedder.close()
        try insert(["x-1", "x-90", "x-91"], into: store)
        for id in ["x-90", "x-91"] {
            #expect(try service.triggerAnalysis(messageID: id, conversationID: nil).outcome == .queued)
        }
        #expect(waitUntil { embedder.waiting > 0 })
        #expect(throws: ServiceError.self) { try service.triggerAnalysis(messageID: "x-1", conversationID: nil) }
        #expect(service.state.read { $0.sweep.fullSweepNeeded })
        embedder.open()
        #expect(waitUntil { service.queueDepth == 0 })

        service.tickAndWait()
        #expect(sweeps(metrics, "full") == 2)
        #expect(try waitUntil { try analysed("x-1", store) }, "the full sweep finds the refused message")
        service.tickAndWait()
        #expect(sweeps(metrics, "full") == 2, "then incremental again")
    }

    @Test func mongoDBReachableAgainMakesTheNextSweepFull() throws {
        let mongo = try EmbeddedMongo.store()
        defer { mongo.close() }
        let store = FlakyStore(mongo)
        try insert(["y-7", "y-8"], into: mongo)
        let clock = ManualClock()
        let metrics = TestMetrics()
        let service = try startService(store: store, clock: clock, metrics: metrics)
        defer { service.shutdown() }
        #expect(try waitUntil { try mongo.countAnalyses() == 2 && service.queueDepth == 0 })
        #expect(watermark(service) == .string("y-8"))
        try insert(["y-1"], into: mongo)
        service.tickAndWait()
        #expect(sweeps(metrics, "incremental") == 1)

        store.down = true
        service.tickAndWait()
        #expect(service.status().degraded.contains("store"))
        store.down = false
        service.tickAndWait()
        #expect(!service.status().degraded.contains("store"))
        #expect(sweeps(metrics, "full") == 2, "MongoDB reachable again: a full sweep")
        #expect(try waitUntil { try analysed("y-1", mongo) })
    }

    @Test func analysesAnOutageEndedAreTakenUpOnceMongoDBAnswersNotAtTheNextTick() throws {
        let mongo = try EmbeddedMongo.store()
        defer { mongo.close() }
        let store = FlakyStore(mongo)
        try insert(["z-1", "z-2", "z-3", "z-9"], into: mongo)
        let service = try startService(store: store, clock: ManualClock(), metrics: TestMetrics())
        defer { service.shutdown() }
        #expect(try waitUntil { try mongo.countAnalyses() == 4 && service.queueDepth == 0 })
        for id in ["z-1", "z-2", "z-3"] { _ = try mongo.deleteAnalyses(messageIDs: [.string(id)]) }

        // The outage ends these analyses; the sweep's next tick is an hour away.
        store.down = true
        for id in ["z-1", "z-2", "z-3"] { _ = try service.triggerAnalysis(messageID: id, conversationID: nil) }
        #expect(waitUntil { service.queueDepth == 0 && service.status().degraded.contains("store") })
        store.down = false
        // New traffic finds MongoDB back: the full pass it asks for runs at once and finds the three.
        try insert(["z-10"], into: mongo)
        _ = try service.triggerAnalysis(messageID: "z-10", conversationID: nil)
        #expect(try waitUntil(20) { try mongo.countAnalyses() == 5 })
    }

    @Test func aMessageWhoseEmbeddingFailedIsRetriedBySweepsUntilGivenUp() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        try insert(["p-1"], into: store, text: "poison pill")
        try insert(["p-2"], into: store)
        let clock = ManualClock()
        let metrics = TestMetrics()
        let service = try startService(store: store, clock: clock, metrics: metrics, embedder: GateEmbedder())
        defer { service.shutdown() }
        // Attempt 1 at start-up; each failure that is not final makes the next sweep full, which queues it again.
        for attempt in 2...3 {
            #expect(waitUntil { service.status().failedTotal == attempt - 1 && service.queueDepth == 0 })
            service.tickAndWait()
            #expect(sweeps(metrics, "full") == Int64(attempt))
        }
        #expect(try waitUntil { try store.countFailed() == 1 }, "given up on its last attempt")
        #expect(try analysed("p-2", store))
        service.tickAndWait()
        #expect(sweeps(metrics, "full") == 3, "a final failure needs no full sweep")
    }

    /// Prints the time of one sweep tick, full and incremental, over `CLUSTERD_SWEEP_MEASURE` (e.g. "2000,10000")
    /// analysed messages. Off unless that variable is set.
    @Test(
        .enabled(if: ProcessInfo.processInfo.environment["CLUSTERD_SWEEP_MEASURE"] != nil),
        .timeLimit(.minutes(10))
    )
    func measureSweepTicks() throws {
        let sizes = (ProcessInfo.processInfo.environment["CLUSTERD_SWEEP_MEASURE"] ?? "")
            .split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        for size in sizes {
            let store = try EmbeddedMongo.store()
            defer { store.close() }
            let ids = (0..<size).map { String(format: "msg-%07d", $0) }
            try insert(ids, into: store)
            let embedding = try HashingEmbedder().embed(["refund for my order"])[0]
            let analyses = ids.map { id in
                MessageAnalysis(
                    messageID: .string(id),
                    conversationID: .string("c"),
                    concepts: ["refund", "order"],
                    embedding: embedding,
                    embedder: "hashing-v1",
                    conceptSource: "local",
                    analyzedAt: Date()
                )
            }
            for start in stride(from: 0, to: analyses.count, by: 1_000) {
                try store.saveAnalyses(Array(analyses[start..<min(analyses.count, start + 1_000)]))
            }
            let clock = ManualClock()
            let metrics = TestMetrics()
            let started = Date()
            let service = try startService(store: store, clock: clock, metrics: metrics)
            let startUp = Date().timeIntervalSince(started)
            defer { service.shutdown() }
            #expect(watermark(service) == .string(ids.last!))
            func timed(_ body: () -> Void) -> Double {
                let start = Date()
                body()
                return Date().timeIntervalSince(start) * 1000
            }
            let incremental = (0..<3).map { _ in timed { service.tickAndWait() } }
            let full = (0..<2).map { _ in
                timed {
                    clock.advance(by: Self.fullSweepSeconds)
                    service.tickAndWait()
                }
            }
            #expect(service.status().sweptTotal == 0)
            #expect(sweeps(metrics, "full") == 3 && sweeps(metrics, "incremental") == 3)
            let format = { (values: [Double]) in values.map { String(format: "%.0f", $0) }.joined(separator: ", ") }
            let load = String(format: "%.0f", startUp * 1000)
            print(
                "sweep tick over \(size) analysed messages: start-up (load + full sweep) \(load) ms; "
                    + "full \(format(full)) ms; incremental \(format(incremental)) ms"
            )
        }
    }
}
