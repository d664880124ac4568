import ClusterdCore
import ClusterdRPC
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd {
    @Suite("Background work")
    struct BackgroundWork {
        @Test("a full queue answers RESOURCE_EXHAUSTED, and the refused messages are still analysed by the sweep")
        func queueFullThenSweep() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            // The sweep alone: a change stream would wait for room and queue the refused messages itself.
            let environment = [
                "CLUSTERD_QUEUE_CAPACITY": "2", "CLUSTERD_ANALYSIS_WORKERS": "1", "CLUSTERD_TICK_SECONDS": "0.3",
                "CLUSTERD_CHANGE_STREAM": "off",
            ]
            try await ServerProcess.with(store: configuration, environment: environment) { server in
                let client = try await server.connect()
                // Two ids that do not exist: they stay pending through the not-found retries (0.5 + 2 + 5 s).
                for index in 0..<2 {
                    #expect(
                        try await client.triggerAnalysis(messageID: "missing-\(index)-\(UUID().uuidString)") == .queued
                    )
                }
                #expect(try await client.status().queueDepth == 2)
                let corpus = Corpus(conversationsPerTopic: 1, messagesPerConversation: 2)
                try corpus.insert(into: store)
                for id in corpus.messageIDs {
                    await expectRPCError(.resourceExhausted) { _ = try await client.triggerAnalysis(messageID: id) }
                }
                let refused = try await client.status()
                #expect(refused.triggersRefused == corpus.messages.count)
                #expect(refused.queueCapacity == 2)

                try await waitUntil("every refused message analysed by the sweep", timeout: .seconds(30)) {
                    try store.countAnalyses() == corpus.messages.count
                }
                for message in corpus.messages {
                    #expect(try store.analysis(messageID: message.id)?.embedding.isEmpty == false)
                }
                // The sweep goes on as soon as one place is free, so the corpus can be done while the second missing
                // id still waits out its last retry.
                try await waitUntil("the two missing ids given up on", timeout: .seconds(15)) {
                    try await client.status().failedTotal == 2
                }
                let status = try await client.status()
                #expect(status.triggersRefused > 0)
                #expect(status.sweptTotal >= corpus.messages.count)
                #expect(!logLines(server.stderr, containing: "Catch-up sweep queued").isEmpty)
                await client.close()
            }
        }

        @Test("with a change stream, messages written with no trigger are analysed at once, long before any sweep")
        func untriggeredMessagesAreFollowed() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            // The next tick (and sweep) an hour away: only the change stream can find messages written after start-up.
            try await ServerProcess.with(store: configuration, environment: ["CLUSTERD_TICK_SECONDS": "3600"]) {
                server in
                try await waitUntil("the change stream following", timeout: .seconds(20)) {
                    !logLines(server.stderr, containing: "Following inserts and deletes").isEmpty
                }
                let corpus = Corpus(conversationsPerTopic: 1, messagesPerConversation: 3)
                try corpus.insert(into: store)
                try await waitUntil("every message analysed", timeout: .seconds(20)) {
                    try store.countAnalyses() == corpus.messages.count
                }
                let client = try await server.connect()
                let status = try await client.status()
                #expect(status.triggersTotal == 0)
                #expect(status.sweptTotal == 0)
                await client.close()
            }
        }

        @Test("messages written with no trigger at all are found and analysed by the sweep")
        func untriggeredMessagesAreSwept() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            // The later batch's ids are random strings and fresh ObjectIds: some sort below the sweep's watermark or
            // are of another BSON type than it, so the periodic full sweep (1 s here) is what finds them.
            let environment = [
                "CLUSTERD_TICK_SECONDS": "0.3", "CLUSTERD_FULL_SWEEP_SECONDS": "1", "CLUSTERD_CHANGE_STREAM": "off",
            ]
            try await ServerProcess.with(store: configuration, environment: environment) { server in
                let client = try await server.connect()
                // One batch present at start-up, one written while it runs.
                let before = Corpus(conversationsPerTopic: 1, messagesPerConversation: 2)
                try before.insert(into: store)
                try await waitUntil("the first batch analysed", timeout: .seconds(20)) {
                    try store.countAnalyses() == before.messages.count
                }
                let later = Corpus(conversationsPerTopic: 1, messagesPerConversation: 3, topicCount: 2)
                try later.insert(into: store)
                try await waitUntil("the second batch analysed", timeout: .seconds(20)) {
                    try store.countAnalyses() == before.messages.count + later.messages.count
                }
                for message in before.messages + later.messages {
                    #expect(try store.analysis(messageID: message.id) != nil)
                }
                let status = try await client.status()
                #expect(status.triggersTotal == 0)
                #expect(status.sweptTotal >= before.messages.count + later.messages.count)
                // The sweep's analyses also drive the trigger rules: a run follows without any RPC.
                try await waitUntil("an automatic run", timeout: .seconds(30)) {
                    try await client.status().latestClusteringRun != nil
                }
                await client.close()
            }
        }

        @Test("disabled: triggers are only recorded, nothing runs by itself; ForceClustering analyses and clusters")
        func disabledMode() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let corpus = Corpus(conversationsPerTopic: 2, messagesPerConversation: 2)
            try corpus.insert(into: store)
            let environment = ["BACKGROUND_CLUSTERING_ENABLED": "false", "CLUSTERD_TICK_SECONDS": "0.3"]
            try await ServerProcess.with(store: configuration, environment: environment) { server in
                let client = try await server.connect()
                for id in corpus.messageIDs {
                    #expect(try await client.triggerAnalysis(messageID: id) == .recorded)
                }
                // Several ticks later: nothing analysed, no run.
                try await Task.sleep(for: .seconds(2))
                #expect(try store.countAnalyses() == 0)
                #expect(try store.latestRun() == nil)
                var status = try await client.status()
                #expect(status.enabled == false)
                #expect(status.triggersTotal == corpus.messages.count)
                #expect(status.latestClusteringRun == nil)
                let first = try #require(corpus.messageIDs.first)
                #expect(
                    !logLines(server.stderr, containing: "Triggered background analysis for message \(first)").isEmpty
                )

                let force = try await client.forceClustering()
                #expect(force.started)
                #expect(!force.followUpQueued)
                try await waitUntil("the forced run", timeout: .seconds(30)) {
                    status = try await client.status()
                    return status.latestClusteringRun != nil && !status.clusteringInProgress
                }
                #expect(try store.countAnalyses() == corpus.messages.count)
                let run = try #require(status.latestClusteringRun)
                #expect(run.status == "succeeded")
                #expect(run.totalMessages == corpus.messages.count)
                #expect(run.totalConversations == corpus.conversations.count)
                #expect(try runStatuses(store) == [.succeeded: 1])
                await client.close()
            }
        }

        @Test("a ForceClustering right after start-up is not abandoned by the start-up recovery")
        func forceAtStartUp() async throws {
            for attempt in 0..<2 {
                let configuration = try EmbeddedMongo.configuration()
                let store = try MongoStore(configuration: configuration)
                defer { store.close() }
                let environment = ["BACKGROUND_CLUSTERING_ENABLED": "false"]
                try await ServerProcess.with(store: configuration, environment: environment) { server in
                    let client = try await server.connect()
                    #expect(try await client.forceClustering().started)
                    try await waitUntil("the forced run to end", timeout: .seconds(20)) {
                        let status = try await client.status()
                        return status.lastRun.map { $0.status != "running" } == true && !status.clusteringInProgress
                    }
                    // An empty database: the run is skipped (fewer than 2 conversations), never abandoned.
                    let run = try #require(try store.latestRun())
                    #expect(run.status == .skipped, "attempt \(attempt): \(run.status) \(run.error ?? "")")
                    #expect(!server.stderr.contains("was no longer running"), "attempt \(attempt)")
                    await client.close()
                }
            }
        }

        @Test("ForceClustering during a run queues exactly one follow-up, however many forces arrive")
        func forceCoalescing() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            // Disabled, so no automatic run interferes; a forced run first analyses all 300 messages inline,
            // which keeps it in progress long enough to force again.
            let corpus = Corpus(conversationsPerTopic: 10, messagesPerConversation: 10)
            try corpus.insert(into: store)
            let environment = ["BACKGROUND_CLUSTERING_ENABLED": "false", "CLUSTERD_TICK_SECONDS": "0.3"]
            try await ServerProcess.with(store: configuration, environment: environment) { server in
                let client = try await server.connect()
                let first = try await client.forceClustering()
                #expect(first.started)
                // Forces while the first is only queued would coalesce into it; wait until it has started.
                try await waitUntil("the forced run to start", timeout: .seconds(20), poll: .milliseconds(20)) {
                    let status = try await client.status()
                    return status.clusteringInProgress && status.clusteringStage != "queued"
                }
                let more = try await withThrowingTaskGroup(
                    of: (started: Bool, followUpQueued: Bool, message: String).self
                ) {
                    group in
                    for _ in 0..<5 { group.addTask { try await client.forceClustering() } }
                    var replies: [(started: Bool, followUpQueued: Bool, message: String)] = []
                    for try await reply in group { replies.append(reply) }
                    return replies
                }
                #expect(more.allSatisfy { !$0.started && $0.followUpQueued }, "\(more)")
                #expect(try await client.status().followUpQueued)

                try await waitUntil("the run and its one follow-up", timeout: .seconds(60), poll: .milliseconds(200)) {
                    let status = try await client.status()
                    return try store.recentRuns(limit: 10).count >= 2 && !status.clusteringInProgress
                        && !status.followUpQueued
                }
                // A few ticks later there is still no third run.
                try await Task.sleep(for: .seconds(1.5))
                let runs = try store.recentRuns(limit: 10)
                #expect(runs.count == 2, "\(runs.map { "\($0.status) \($0.triggerReason)" })")
                #expect(runs.allSatisfy { $0.status == .succeeded })
                #expect(runs.contains { $0.triggerReason.contains("follow-up") })
                #expect(try store.countAnalyses() == corpus.messages.count)
                await client.close()
            }
        }
    }
}
