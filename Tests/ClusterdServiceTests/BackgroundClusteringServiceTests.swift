import ClusterdCore
import ClusterdEmbedding
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Logging
import Testing

@testable import ClusterdService

/// The service against the real embedded MongoDB-wire server, in process.
@Suite struct BackgroundClusteringServiceTests {
    private func makeService(
        store: MongoStore,
        enabled: Bool = true,
        retries: [Double] = [0.05, 0.05],
        maxAttempts: Int = 3,
        embedder: any Embedder = HashingEmbedder(),
        clusteringMemoryMB: Int = 1024
    ) -> BackgroundClusteringService {
        var configuration = ServiceConfiguration(
            trigger: TriggerConfiguration(enabled: enabled, messageThreshold: 3, timeThresholdMinutes: 30),
            analysisWorkers: 2,
            queueCapacity: 100,
            maxAttempts: maxAttempts,
            notFoundRetryDelays: retries,
            tickSeconds: 0.2
        )
        configuration.backlogDeferSeconds = 1
        configuration.clusteringMemoryMB = clusteringMemoryMB
        return BackgroundClusteringService(
            configuration: configuration,
            store: store,
            embedder: embedder,
            logger: Logger(label: "test")
        )
    }

    private func messages(conversation: RecordID, texts: [String], prefix: String) -> [MessageRecord] {
        texts.enumerated().map { index, text in
            MessageRecord(id: .string("\(prefix)-\(index)"), conversationID: conversation, role: "user", content: text)
        }
    }

    @Test func aRunWithFewerThanTwoConversationsIsRecordedAsSkipped() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        try store.insertHostMessages(
            messages(conversation: .string("only"), texts: ["refund my order", "where is my refund"], prefix: "m")
        )
        let service = makeService(store: store)
        service.start()
        defer { service.shutdown() }
        for id in ["m-0", "m-1"] { _ = try service.triggerAnalysis(messageID: id, conversationID: nil) }
        #expect(try waitUntil { try store.latestRun()?.status == .skipped })
        let run = try #require(try store.latestRun())
        #expect(run.error == "clustering needs at least 2 conversations (have 1)")
        #expect(run.totalMessages == 2)
        // The in-memory status follows the stored run after the run's bookkeeping queries.
        #expect(waitUntil { service.status().lastRun?.status == "skipped" })
        #expect(service.status().latestClusteringRun == nil)
    }

    @Test func anUnknownIdIsRetriedThenCountedAsFailedAndRememberedInMemoryOnly() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let service = makeService(store: store)
        service.start()
        defer { service.shutdown() }
        let result = try service.triggerAnalysis(messageID: "no-such-message", conversationID: nil)
        #expect(result.outcome == .queued)
        #expect(waitUntil { service.status().failedTotal == 1 })
        #expect(service.status().lastError.contains("not found in MongoDB after 3 attempts"))
        #expect(try store.countFailed() == 0, "a client-chosen id that never existed is not written to MongoDB")
        #expect(service.state.read { $0.unknownIDs.contains("no-such-message", now: Date()) })
        #expect(service.status().queueDepth == 0)
    }

    @Test func aMessageThatAlreadyUsedItsAttemptsIsGivenUpNotRetried() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        try store.insertHostMessages(messages(conversation: .string("c"), texts: ["crashes the embedder"], prefix: "x"))
        // Three earlier attempts that never finished (e.g. the process crashed during each).
        let now = Date()
        for _ in 0..<3 { try store.claim(.string("x-0"), owner: "dead", expiresAt: now) }
        let service = makeService(store: store, maxAttempts: 3)
        service.start()
        defer { service.shutdown() }
        _ = try service.triggerAnalysis(messageID: "x-0", conversationID: nil)
        #expect(waitUntil { service.status().failedTotal == 1 })
        #expect(try store.analysis(messageID: .string("x-0")) == nil)
        #expect(service.status().lastError.contains("given up after 3 attempts"))
    }

    @Test func aMessageWhoseEarlierAttemptNeverFinishedIsAnalysedAloneNotInABatch() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let texts = ["refund my order", "crashed the process last time", "where is my parcel", "cancel my plan"]
        try store.insertHostMessages(messages(conversation: .string("c"), texts: texts, prefix: "k"))
        // An attempt that never finished (the process died holding the claim).
        let then = Date()
        try store.claim(.string("k-1"), owner: "gone", expiresAt: then)
        let embedder = RecordingEmbedder()
        let service = makeService(store: store, embedder: embedder)
        service.start()
        defer { service.shutdown() }
        _ = try service.triggerAnalyses(messageIDs: ["k-0", "k-1", "k-2", "k-3"])
        #expect(try waitUntil { try store.countAnalyses() == 4 })
        let calls = embedder.calls
        #expect(calls.contains([texts[1]]), "calls: \(calls)")
        #expect(!calls.contains { $0.count > 1 && $0.contains(texts[1]) }, "calls: \(calls)")
    }

    @Test func reTriggeringAnAnalysedMessageDoesNoWork() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let id = "65a1b2c3d4e5f6a7b8c9d0e1"
        try store.insertHostMessages([
            MessageRecord(id: .objectID(id), conversationID: .string("c1"), role: "user", content: "reset my password")
        ])
        let service = makeService(store: store)
        service.start()
        defer { service.shutdown() }
        _ = try service.triggerAnalysis(messageID: id, conversationID: nil)
        #expect(try waitUntil { try store.countAnalyses() == 1 && service.status().queueDepth == 0 })
        let first = try #require(try store.analysis(messageID: .objectID(id)))
        #expect(first.promptVersion == LocalConceptProvider.version)
        _ = try service.triggerAnalysis(messageID: id, conversationID: nil)
        #expect(waitUntil { service.status().queueDepth == 0 }, "status: \(service.status())")
        // Same embedder and prompt version: not analysed again (not rewritten, no attempt counted), counted once.
        #expect(try store.analysis(messageID: .objectID(id)) == first)
        #expect(try store.attemptTotals() == (documents: 1, attempts: 1))
        #expect(service.status().analyzedTotal == 1)
    }

    @Test func anAnalysedMessageTriggeredAgainAndAgainIsNeverGivenUpNorCountedTwice() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        try store.insertHostMessages(messages(conversation: .string("c"), texts: ["refund my order"], prefix: "d"))
        let service = makeService(store: store)
        service.start()
        defer { service.shutdown() }
        // Twice the attempt limit (3): a backend that delivers "message created" more than once.
        for round in 1...6 {
            _ = try service.triggerAnalysis(messageID: "d-0", conversationID: nil)
            let done = waitUntil { service.status().analyzedTotal == 1 && service.status().queueDepth == 0 }
            #expect(done, "round \(round): \(service.status())")
        }
        #expect(service.status().failedTotal == 0)
        #expect(service.status().lastError == "")
        #expect(try store.countFailed() == 0)
        #expect(try store.attemptTotals() == (documents: 1, attempts: 1))
    }

    @Test func staleAnalysesAreLeftOutOfRunsAndRedoneWithTheCurrentEmbedder() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let texts = ["refund my order", "where is my parcel", "reset my password", "cancel my plan"]
        let hosted = messages(conversation: .string("c"), texts: texts, prefix: "s")
        try store.insertHostMessages(hosted)
        // Analysed earlier by an embedder that is gone (the hashing fallback of another version, say).
        try store.saveAnalyses(
            hosted.map { message in
                MessageAnalysis(
                    messageID: message.id,
                    conversationID: message.conversationID,
                    concepts: ["old"],
                    embedding: [1, 0, 0],
                    embedder: "retired-embedder",
                    conceptSource: "local",
                    analyzedAt: Date(timeIntervalSince1970: 1_700_000_000),
                    promptVersion: LocalConceptProvider.version
                )
            }
        )
        let current = HashingEmbedder().identifier
        #expect(try store.analyses(analyzedAtOrBefore: Date(), embedder: current).isEmpty)
        let service = makeService(store: store)
        service.start()
        defer { service.shutdown() }
        let redone = try waitUntil {
            try store.countStaleAnalyses(embedder: current) == 0
                && store.countAnalyses(embedder: current) == texts.count
        }
        #expect(redone, "status: \(service.status())")
        #expect(waitUntil { service.status().analyzedTotal == texts.count })
        let analysis = try #require(try store.analysis(messageID: .string("s-0")))
        #expect(analysis.embedder == current && analysis.concepts != ["old"])
    }

    @Test func duplicateTriggersAreCoalescedAndEmptyIdsRefused() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let service = makeService(store: store, retries: [1, 1])
        service.start()
        defer { service.shutdown() }
        #expect(try service.triggerAnalysis(messageID: "pending", conversationID: nil).outcome == .queued)
        #expect(try service.triggerAnalysis(messageID: "pending", conversationID: nil).outcome == .alreadyQueued)
        #expect(throws: ServiceError.self) { try service.triggerAnalysis(messageID: "", conversationID: nil) }
    }

    @Test func statusAnswersFromMemoryWhileMongoDBIsDown() throws {
        let port = try EmbeddedMongo.freePort()
        let store = try MongoStore(
            configuration: StoreConfiguration(
                uri: "mongodb://127.0.0.1:\(port)",
                database: "down",
                serverSelectionTimeoutMS: 300,
                connectTimeoutMS: 300
            )
        )
        defer { store.close() }
        let service = makeService(store: store)
        service.start()
        defer { service.shutdown() }
        #expect(waitUntil(10) { service.status().degraded.contains("store") })
        let started = Date()
        for _ in 0..<1000 { _ = service.status() }
        #expect(Date().timeIntervalSince(started) < 1, "1000 status calls must not touch MongoDB")
        #expect(service.status().degraded.contains("embedder:fallback"))
    }

    @Test func disabledModeRecordsTriggersAndForceStillClusters() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        var all: [MessageRecord] = []
        all += messages(conversation: .string("a"), texts: ["refund for my order", "refund status"], prefix: "a")
        all += messages(conversation: .string("b"), texts: ["weather tomorrow in Paris", "rain forecast"], prefix: "b")
        all += messages(conversation: .string("c"), texts: ["refund my last order", "order refund"], prefix: "c")
        try store.insertHostMessages(all)
        let service = makeService(store: store, enabled: false)
        service.start()
        defer { service.shutdown() }
        #expect(try service.triggerAnalysis(messageID: "a-0", conversationID: nil).outcome == .recorded)
        // Start-up and one tick, run to the end, then the analysis lane drained: whatever the trigger could have
        // queued has run by now, and nothing was queued.
        service.tickAndWait()
        service.analysis.queue.waitUntilAllOperationsAreFinished()
        #expect(service.queueDepth == 0)
        #expect(service.status().triggersTotal == 1 && service.status().analyzedTotal == 0)
        #expect(try store.countAnalyses() == 0)
        #expect(service.forceClustering().started)
        #expect(try waitUntil { try store.latestSuccessfulRun() != nil })
        #expect(try store.countAnalyses() == 6)
        let run = try #require(try store.latestSuccessfulRun())
        #expect(run.totalConversations == 3)
        #expect(run.triggerReason == "forced by operator")
    }

    @Test func aRunBeyondItsMemoryBudgetFitsOnASampleAndStillAssignsEveryConversation() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        var all: [MessageRecord] = []
        let topics = [["refund for my order", "refund status"], ["reset my password", "password login fails"]]
        for conversation in 0..<12 {
            let texts = topics[conversation % 2].map { "\($0) \(conversation)" }
            all += messages(conversation: .string("conv-\(conversation)"), texts: texts, prefix: "m\(conversation)")
        }
        try store.insertHostMessages(all)
        // 32 MiB is all reserve: the run holds 2 conversations at a time, fits on 2 and assigns 10 in passes.
        let service = makeService(store: store, enabled: false, clusteringMemoryMB: 32)
        service.start()
        defer { service.shutdown() }
        #expect(service.forceClustering().started)
        #expect(try waitUntil { try store.latestSuccessfulRun() != nil })
        let run = try #require(try store.latestSuccessfulRun())
        #expect(run.totalMessages == 24)
        #expect(run.totalConversations == 12)
        let assignments = try store.assignments(runID: run.id)
        #expect(Set(assignments.map(\.conversationID)).count == 12 && assignments.count == 12)
        let clusters = try store.clusters(runID: run.id)
        #expect(clusters.map(\.size).reduce(0, +) == 12)
        #expect(run.metrics?.sizes.reduce(0, +) == 12)
    }

    @Test func aSecondRunOverUnchangedDataKeepsStableIDsAndRecordsLineageAndMetrics() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        var all: [MessageRecord] = []
        let topics = [
            ["refund for my order", "where is my refund", "order refund status"],
            ["reset my password", "password login fails", "cannot login after password reset"],
            ["parcel tracking number", "courier lost my parcel", "parcel delivery delayed"],
        ]
        for conversation in 0..<9 {
            let texts = topics[conversation % 3].map { "\($0) \(conversation)" }
            all += messages(conversation: .string("conv-\(conversation)"), texts: texts, prefix: "m\(conversation)")
        }
        try store.insertHostMessages(all)
        let service = makeService(store: store, enabled: false)
        service.start()
        defer { service.shutdown() }
        #expect(service.status().kRule == "grid")
        #expect(service.status().minClusterSize == 1)

        #expect(service.forceClustering().started)
        #expect(waitUntil { service.status().latestClusteringRun != nil && !service.status().clusteringInProgress })
        let first = try #require(try store.latestSuccessfulRun())
        #expect(first.metrics?.churn == nil)
        #expect(first.lineage.allSatisfy { $0.kind == .born })
        #expect(first.lineage.count == first.clustersCreated)

        #expect(service.forceClustering().started)
        #expect(waitUntil { service.status().latestClusteringRun?.id != first.id.description })
        let second = try #require(try store.latestSuccessfulRun())
        #expect(second.id != first.id)
        let before = try store.assignments(runID: first.id)
        let after = try store.assignments(runID: second.id)
        #expect(before.map(\.conversationID) == after.map(\.conversationID))
        #expect(before.map(\.stableID) == after.map(\.stableID))
        #expect(second.metrics?.churn == 0)
        #expect(second.metrics?.adjustedRandIndex == 1)
        #expect(second.metrics?.comparedConversations == 9)
        #expect(second.lineage.count == second.clustersCreated)
        #expect(second.lineage.allSatisfy { $0.kind == .continued && $0.overlap == 1 })
        let clusters = try store.clusters(runID: second.id)
        #expect(
            clusters.allSatisfy { $0.lineage == ClusterLineage(kind: .continued, previousStableIDs: [$0.stableID]) }
        )
        #expect(try store.clusters(runID: first.id).map(\.name) == clusters.map(\.name))
        #expect(service.status().latestClusteringRun?.metrics == second.metrics)
        #expect(service.status().latestClusteringRun?.lineage == second.lineage)
    }
}
