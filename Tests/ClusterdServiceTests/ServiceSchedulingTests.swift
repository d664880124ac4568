import ClusterdCore
import ClusterdEmbedding
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Logging
import MetricsTestKit
import Testing

@testable import ClusterdService

/// Quiet hours, the hourly cap and the metrics of the service, in process against the embedded MongoDB-wire server.
@Suite(.timeLimit(.minutes(3)))
struct ServiceSchedulingTests {
    static let topics = [
        ["refund for my order", "where is my refund", "refund status please"],
        ["weather tomorrow in Paris", "rain forecast for the weekend", "will it be sunny"],
        ["reset my password", "cannot log in to my account", "password reset link"],
        ["book a table tonight", "restaurant reservation for two", "dinner booking"],
    ]

    /// Inserts one conversation per topic with `prefix`-ed message ids; returns the ids.
    func insert(_ store: MongoStore, prefix: String, topics: ArraySlice<[String]>) throws -> [String] {
        var records: [MessageRecord] = []
        for (index, texts) in topics.enumerated() {
            for (position, text) in texts.enumerated() {
                records.append(
                    MessageRecord(
                        id: .string("\(prefix)-\(index)-\(position)"),
                        conversationID: .string("\(prefix)-conversation-\(index)"),
                        role: "user",
                        content: text
                    )
                )
            }
        }
        try store.insertHostMessages(records)
        return records.map(\.id.description)
    }

    func makeService(
        store: MongoStore,
        schedule: ScheduleConfiguration,
        metrics: TestMetrics = TestMetrics(),
        queueCapacity: Int = 100,
        retryDelays: [Double] = [0.05]
    ) -> BackgroundClusteringService {
        var configuration = ServiceConfiguration(
            trigger: TriggerConfiguration(enabled: true, messageThreshold: 3, timeThresholdMinutes: 30),
            analysisWorkers: 2,
            queueCapacity: queueCapacity,
            notFoundRetryDelays: retryDelays,
            tickSeconds: 0.2
        )
        configuration.backlogDeferSeconds = 0.5
        configuration.schedule = schedule
        return BackgroundClusteringService(
            configuration: configuration,
            store: store,
            embedder: HashingEmbedder(),
            logger: Logger(label: "test"),
            metricsFactory: metrics
        )
    }

    /// A quiet window that opens two hours from now (UTC), so now is outside it.
    func windowLater() throws -> QuietWindow {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.hour, .minute], from: Date().addingTimeInterval(2 * 3600))
        let start = parts.hour! * 60 + parts.minute!
        return try QuietWindow(startMinute: start, endMinute: (start + 60) % 1440)
    }

    /// Waits until the six analysed messages make a run due and status names `reason`, then runs one tick to the end
    /// (it considered the due run) and checks the schedule held it back for `hold`, the lane staying idle.
    func expectDueRunHeld(
        _ service: BackgroundClusteringService,
        reason: String,
        hold: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            waitUntil {
                let status = service.status()
                return status.unprocessedMessages == 6 && status.queueDepth == 0
                    && status.schedulingReason.contains(reason)
            },
            sourceLocation: sourceLocation
        )
        service.tickAndWait()
        #expect(
            service.state.read { $0.scheduleHold.contains(hold) },
            "\(service.state.read { $0.scheduleHold })",
            sourceLocation: sourceLocation
        )
        #expect(service.state.read { $0.clustering } == .idle, sourceLocation: sourceLocation)
    }

    @Test func outsideTheQuietHoursAutomaticRunsWaitButForceRuns() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let window = try windowLater()
        let service = makeService(
            store: store,
            schedule: ScheduleConfiguration(quietHours: window, timeZone: TimeZone(identifier: "UTC")!)
        )
        service.start()
        defer { service.shutdown() }
        // The first run is not held back: there are no clusters yet.
        for id in try insert(store, prefix: "first", topics: Self.topics[0..<2]) {
            _ = try service.triggerAnalysis(messageID: id, conversationID: nil)
        }
        #expect(waitUntil { service.status().latestClusteringRun != nil })
        let firstRun = try #require(service.status().latestClusteringRun)
        #expect(firstRun.triggerReason.hasPrefix("First run"))

        // Now a due run waits for the window.
        for id in try insert(store, prefix: "later", topics: Self.topics[2..<4]) {
            _ = try service.triggerAnalysis(messageID: id, conversationID: nil)
        }
        expectDueRunHeld(service, reason: "quiet hours", hold: "the quiet hours")
        let status = service.status()
        #expect(status.lastRun?.id == firstRun.id, "no automatic run outside the quiet hours")
        #expect(status.shouldTriggerClustering)
        #expect(status.quietHours == window.description)
        #expect(status.schedulingReason.contains("waiting for the quiet hours \(window)"), "\(status.schedulingReason)")
        let next = try #require(status.nextAutomaticRunAt)
        #expect(abs(next.timeIntervalSinceNow - 2 * 3600) < 120, "next automatic run at \(next)")
        #expect(status.jsonString().contains("\"next_automatic_run_at\""))

        // ForceClustering ignores the schedule.
        #expect(service.forceClustering().started)
        #expect(waitUntil { service.status().latestClusteringRun?.id != firstRun.id })
        #expect(service.status().latestClusteringRun?.triggerReason == "forced by operator")
        #expect(service.status().unprocessedMessages == 0)
    }

    @Test func theHourlyCapHoldsAutomaticRunsAndForceIsNotCounted() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let metrics = TestMetrics()
        let service = makeService(
            store: store,
            schedule: ScheduleConfiguration(maxAutomaticRunsPerHour: 1),
            metrics: metrics
        )
        service.start()
        defer { service.shutdown() }
        for id in try insert(store, prefix: "one", topics: Self.topics[0..<2]) {
            _ = try service.triggerAnalysis(messageID: id, conversationID: nil)
        }
        #expect(waitUntil { service.status().latestClusteringRun != nil })
        let first = try #require(service.status().latestClusteringRun)
        #expect(service.status().automaticRunsLastHour == 1)

        for id in try insert(store, prefix: "two", topics: Self.topics[2..<4]) {
            _ = try service.triggerAnalysis(messageID: id, conversationID: nil)
        }
        // All six analysed (the run is due, not only waiting for the time rule), then the cap holds it.
        expectDueRunHeld(service, reason: "hourly cap", hold: "hourly cap")
        var status = service.status()
        #expect(status.lastRun?.id == first.id, "the cap must hold the second automatic run")
        #expect(status.maxAutomaticRunsPerHour == 1)
        let next = try #require(status.nextAutomaticRunAt)
        #expect(abs(next.timeIntervalSince(first.createdAt) - 3600) < 5)

        #expect(service.forceClustering().started)
        // Published, and the lane idle again: the run has ended (and been counted in the metrics).
        #expect(
            waitUntil {
                let status = service.status()
                return status.latestClusteringRun?.id != first.id && !status.clusteringInProgress
            }
        )
        status = service.status()
        #expect(status.automaticRunsLastHour == 1, "ForceClustering is not an automatic run")

        // The metrics moved with the work.
        #expect(metrics.counterTotal(label: "clusterd_analyses_total", dimensions: [("result", "success")]) == 12)
        #expect(
            metrics.counterTotal(label: "clusterd_clustering_runs_total", dimensions: [("status", "succeeded")]) == 2
        )
        #expect(try metrics.expectTimer("clusterd_clustering_duration_seconds").values.count == 2)
        // Every attempt is timed, whatever its result: a sweep may look at a message again ("up to date").
        #expect(
            try metrics.expectTimer("clusterd_analysis_duration_seconds").values.count
                == Int(metrics.counterTotal(label: "clusterd_analyses_total"))
        )
        service.updateMetricGauges()
        #expect(try metrics.expectGauge("clusterd_store_up").lastValue == 1)
        #expect(try metrics.expectGauge("clusterd_analysis_queue_capacity").lastValue == 100)
        #expect(try metrics.expectGauge("clusterd_unprocessed_messages").lastValue == 0)
        let finished = try #require(
            try metrics.expectGauge("clusterd_last_successful_clustering_timestamp_seconds").lastValue
        )
        #expect(abs(finished - Date().timeIntervalSince1970) < 60)
    }

    @Test func theCapSurvivesARestart() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        do {
            let service = makeService(store: store, schedule: ScheduleConfiguration(maxAutomaticRunsPerHour: 1))
            service.start()
            for id in try insert(store, prefix: "one", topics: Self.topics[0..<2]) {
                _ = try service.triggerAnalysis(messageID: id, conversationID: nil)
            }
            #expect(waitUntil { service.status().latestClusteringRun != nil })
            service.shutdown()
        }
        let restarted = makeService(store: store, schedule: ScheduleConfiguration(maxAutomaticRunsPerHour: 1))
        restarted.start()
        defer { restarted.shutdown() }
        #expect(waitUntil { restarted.status().automaticRunsLastHour == 1 })
    }

    @Test func readinessFollowsTheStore() throws {
        let port = try EmbeddedMongo.freePort()
        let down = try MongoStore(
            configuration: StoreConfiguration(
                uri: "mongodb://127.0.0.1:\(port)",
                database: "down",
                serverSelectionTimeoutMS: 300,
                connectTimeoutMS: 300
            )
        )
        defer { down.close() }
        let service = makeService(store: down, schedule: ScheduleConfiguration())
        service.start()
        defer { service.shutdown() }
        #expect(waitUntil(10) { service.status().degraded.contains("store") })
        let readiness = service.readiness()
        #expect(!readiness.isReady)
        #expect(readiness.problems.contains("MongoDB unreachable"))
        let metrics = TestMetrics()
        let healthy = try EmbeddedMongo.store()
        defer { healthy.close() }
        let up = makeService(store: healthy, schedule: ScheduleConfiguration(), metrics: metrics)
        up.start()
        defer { up.shutdown() }
        #expect(waitUntil { up.readiness().isReady })
        up.updateMetricGauges()
        #expect(try metrics.expectGauge("clusterd_store_up").lastValue == 1)
    }

    @Test func aFullQueueIsNotReadyAndAStoppingServiceNeither() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let metrics = TestMetrics()
        // Unknown ids wait 5 s before their retry, so they stay pending.
        let service = makeService(
            store: store,
            schedule: ScheduleConfiguration(),
            metrics: metrics,
            queueCapacity: 2,
            retryDelays: [5]
        )
        service.start()
        #expect(waitUntil { service.readiness().isReady })
        for id in ["missing-1", "missing-2"] { _ = try service.triggerAnalysis(messageID: id, conversationID: nil) }
        let full = service.readiness()
        #expect(!full.isReady && full.storeReachable && !full.acceptingWork)
        #expect(full.problems == ["analysis queue full (2 of 2)"])
        service.updateMetricGauges()
        #expect(try metrics.expectGauge("clusterd_analysis_queue_depth").lastValue == 2)
        service.shutdown()
        #expect(service.readiness().problems.contains("shutting down"))
    }
}
