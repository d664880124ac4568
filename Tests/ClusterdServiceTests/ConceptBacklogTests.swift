import ClusterdCore
import ClusterdEmbedding
import ClusterdLLM
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Logging
import Testing

@testable import ClusterdService

/// The concept backlog against the fake Messages API on the embedded MongoDB: local concepts at once, Claude's
/// later in batched requests, fallen-back items upgraded later, the Message Batches API and its fallback, and
/// names that catch up without a new run. Lane steps are driven by hand on a manual clock.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ConceptBacklogTests {
    static let texts = [
        "How long should I bake sourdough bread in the oven?", "Which documents do I need for a tourist visa?",
        "My laptop battery drains overnight.", "Where can I find cheap flights to Lisbon?",
    ]

    /// Host messages m0… in conversations c0…, and their analyses with local concepts, as the analysis lane
    /// writes them.
    private func seed(_ store: MongoStore, clock: ManualClock) throws -> [MessageAnalysis] {
        let records = Self.texts.enumerated().map { index, text in
            MessageRecord(id: .string("m\(index)"), conversationID: .string("c\(index)"), role: "user", content: text)
        }
        try store.insertHostMessages(records)
        let analyses = records.enumerated().map { index, record in
            MessageAnalysis(
                messageID: record.id,
                conversationID: record.conversationID,
                concepts: ["local"],
                embedding: [1, 0],
                embedder: "test",
                conceptSource: "local",
                analyzedAt: clock.now.addingTimeInterval(Double(index)),
                promptVersion: "local-v1"
            )
        }
        try store.saveAnalyses(analyses)
        return analyses
    }

    private func service(
        _ store: MongoStore,
        fake: FakeAnthropicServer,
        clock: ManualClock,
        batchAPI: AnthropicConfiguration.BatchAPIMode = .off,
        instanceID: String? = nil
    ) -> BackgroundClusteringService {
        var configuration = ServiceConfiguration(trigger: TriggerConfiguration(enabled: false))
        if let instanceID { configuration.instanceID = instanceID }
        configuration.anthropic = AnthropicConfiguration(
            apiKey: fake.apiKey,
            baseURL: fake.baseURL,
            model: "claude-test-model",
            http: HTTPClientConfiguration(connectTimeoutMilliseconds: 500, totalTimeoutMilliseconds: 2_000),
            retry: RetryPolicy(maxAttempts: 1),
            maxQueueWaitSeconds: 1,
            batchAPI: batchAPI,
            batchAPIMinBacklog: 2
        )
        return BackgroundClusteringService(
            configuration: configuration,
            store: store,
            embedder: HashingEmbedder(),
            logger: Logger(label: "test"),
            now: { clock.now }
        )
    }

    private func sources(_ store: MongoStore) throws -> [String] {
        try Self.texts.indices.map { try store.analysis(messageID: .string("m\($0)"))?.conceptSource ?? "none" }
    }

    @Test("A missing item falls back alone and is upgraded later; one request carries many messages")
    func fallenBackItemUpgradedLater() throws {
        let fake = try FakeAnthropicServer()
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let clock = ManualClock()
        let service = service(store, fake: fake, clock: clock)
        let lane = try #require(service.llm.backlog)
        try lane.enqueue(try seed(store, clock: clock))
        #expect(try store.conceptBacklogCount() == 4)
        _ = try lane.step()  // entries wait for their analyses' save first
        #expect(try fake.requests().isEmpty)
        clock.advance(by: ConceptBacklogLane.settleSeconds)
        // Items 0 and 1 of the request are answered (newest first: m3, m2), the others are missing.
        let reply = """
            [{"id": "0", "concepts": ["cheap flights"], "topic": "travel", "language": "en", "summary": "s"},
             {"id": "1", "concepts": ["laptop battery"], "topic": "laptops", "language": "en", "summary": "s"}]
            """
        try fake.script([.text(reply)])
        #expect(try lane.step() == 0)
        #expect(try sources(store) == ["local", "local", "claude", "claude"])
        #expect(try store.analysis(messageID: .string("m3"))?.concepts == ["cheap flights"])
        #expect(try store.conceptBacklogCount() == 2)
        // Nothing is claimable before the retry delay: no request.
        _ = try lane.step()
        #expect(try fake.requests().count == 1)
        clock.advance(by: ConceptBacklogLane.retryDelay(afterFailures: 1) + 1)
        #expect(try lane.step() == 0)
        #expect(try sources(store) == ["claude", "claude", "claude", "claude"])
        #expect(try store.conceptBacklogCount() == 0)
        #expect(try fake.requests().count == 2)
        let report = service.llm.report()
        #expect(report.messagesUpgraded == 4)
        #expect(report.conceptRequests == 2)
        #expect(report.tokensPerMessage > 0)
        #expect(report.backlogRatePerMinute > 0)
    }

    @Test("A replica that dies holding a claimed batch: another takes it over once the claim expires; no item twice")
    func aReplicaDyingMidBatchLosesNothing() throws {
        let fake = try FakeAnthropicServer()
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let clock = ManualClock()
        let dying = service(store, fake: fake, clock: clock, instanceID: "replica-a")
        let survivor = service(store, fake: fake, clock: clock, instanceID: "replica-b")
        let dyingLane = try #require(dying.llm.backlog)
        let survivorLane = try #require(survivor.llm.backlog)
        try dyingLane.enqueue(try seed(store, clock: clock))
        clock.advance(by: ConceptBacklogLane.settleSeconds)
        // Replica A claims the whole backlog into its buffer, then dies before its request goes out (its process is
        // gone: no release, no finish).
        #expect(try dyingLane.fill())
        #expect(try store.conceptBacklogCount() == 4)
        // B finds nothing to claim while A's claims hold, so asks nothing.
        _ = try survivorLane.step()
        #expect(try fake.requests().isEmpty)
        clock.advance(by: ConceptBacklogLane.claimSeconds - 10)
        _ = try survivorLane.step()
        #expect(try fake.requests().isEmpty)
        // Past the claim's expiry B takes the batch over: one request, every message upgraded once.
        clock.advance(by: 11)
        #expect(try survivorLane.step() == 0)
        #expect(try sources(store) == ["claude", "claude", "claude", "claude"])
        #expect(try store.conceptBacklogCount() == 0)
        let requests = try fake.requests()
        #expect(requests.count == 1)
        let sent = try #require(requests.first?.json?["messages"] as? [[String: Any]])
        let items = try JSONSerialization.jsonObject(with: Data(((sent.first?["content"] as? String) ?? "").utf8))
        #expect((items as? [[String: Any]])?.count == 4)
        #expect(survivor.llm.report().messagesUpgraded == 4)
        _ = dying
    }

    @Test("A replica restarted under the same name takes its previous process's claims at once")
    func aRestartedReplicaTakesItsOwnClaimsAtOnce() throws {
        let fake = try FakeAnthropicServer()
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let clock = ManualClock()
        let before = service(store, fake: fake, clock: clock, instanceID: "replica-a")
        let beforeLane = try #require(before.llm.backlog)
        try beforeLane.enqueue(try seed(store, clock: clock))
        clock.advance(by: ConceptBacklogLane.settleSeconds)
        #expect(try beforeLane.fill())
        // The same replica after a crash: a new process with a new claim token, no wait for the expiry.
        let after = service(store, fake: fake, clock: clock, instanceID: "replica-a")
        #expect(try #require(after.llm.backlog).step() == 0)
        #expect(try sources(store) == ["claude", "claude", "claude", "claude"])
        #expect(try store.conceptBacklogCount() == 0)
        #expect(try fake.requests().count == 1)
        _ = before
    }

    @Test("Two replicas never both claim an entry; an expired claim is taken over")
    func claimsAreShared() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let clock = ManualClock()
        let analyses = try seed(store, clock: clock)
        try store.enqueueConceptBacklog(analyses.map { ($0.messageID, $0.analyzedAt) })
        let now = clock.now
        let first = try store.claimConceptBacklog(limit: 3, owner: "a", now: now, expiresAt: now + 60)
        #expect(first.map(\.messageID) == [.string("m3"), .string("m2"), .string("m1")])
        let second = try store.claimConceptBacklog(limit: 3, owner: "b", now: now, expiresAt: now + 60)
        #expect(second.map(\.messageID) == [.string("m0")])
        let later = try store.claimConceptBacklog(limit: 10, owner: "b", now: now + 61, expiresAt: now + 120)
        #expect(Set(later.map(\.messageID)) == Set(analyses.map(\.messageID)))
        try store.finishConceptBacklog([.string("m3")], owner: "a")  // a's claim was taken over: stays
        #expect(try store.conceptBacklogCount() == 4)
        try store.finishConceptBacklog([.string("m3")], owner: "b")
        #expect(try store.conceptBacklogCount() == 3)

        // A claim under a token no longer live (a write that timed out after landing, a previous process) is the
        // owner's to take back at once; one under a live token is not.
        let claimed = try store.claimConceptBacklog(
            limit: 10,
            owner: "c",
            token: "t1",
            now: now + 200,
            expiresAt: now + 3_600
        )
        #expect(claimed.count == 3)
        let live = try store.claimConceptBacklog(
            limit: 10,
            owner: "c",
            token: "t2",
            liveTokens: ["t1"],
            now: now + 201,
            expiresAt: now + 3_600
        )
        #expect(live.isEmpty)
        let orphans = try store.claimConceptBacklog(
            limit: 10,
            owner: "c",
            token: "t3",
            liveTokens: ["t2"],
            now: now + 202,
            expiresAt: now + 3_600
        )
        #expect(orphans.count == 3)
        #expect(try store.claimConceptBacklog(limit: 10, owner: "d", now: now + 203, expiresAt: now + 3_600).isEmpty)
    }

    @Test("CLUSTERD_LLM_BATCH_API=auto: a large backlog goes through a message batch; a 404 falls back")
    func messageBatchesAndFallback() throws {
        let fake = try FakeAnthropicServer()
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let clock = ManualClock()
        let service = service(store, fake: fake, clock: clock, batchAPI: .auto)
        let lane = try #require(service.llm.backlog)
        let analyses = try seed(store, clock: clock)
        try lane.enqueue(Array(analyses.prefix(2)))
        clock.advance(by: ConceptBacklogLane.settleSeconds)
        _ = try lane.step()  // submits the batch; nothing left for normal requests
        #expect(service.llm.report().batchAPI == "in flight")
        clock.advance(by: ConceptBacklogLane.pollSeconds + 1)
        _ = try lane.step()  // polls: ended, results applied
        #expect(try sources(store) == ["claude", "claude", "local", "local"])
        var stats = try fake.stats()
        #expect(stats["batches"] == 1 && stats["messages"] == 0)
        #expect(service.llm.report().batchAPI == "idle")

        try fake.setOptions(batchesEnabled: false)
        try lane.enqueue(Array(analyses.suffix(2)))
        clock.advance(by: ConceptBacklogLane.settleSeconds)
        _ = try lane.step()  // the batch is refused (404): the entries go to a normal request at once
        #expect(try sources(store) == ["claude", "claude", "claude", "claude"])
        stats = try fake.stats()
        #expect(stats["messages"] == 1)
        #expect(service.llm.report().batchAPI == "unavailable")
    }

    @Test("Renaming in place keeps run and stable id, and never touches a pinned cluster")
    func renameRespectsPins() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let run = RecordID.string("run-1")
        let clusters = ["a", "b"].map { id in
            Cluster(
                runID: run,
                stableID: id,
                name: "local \(id)",
                description: "",
                size: 5,
                topConcepts: [],
                representativeConversationIDs: [],
                centroid: [1, 0],
                nameSource: id == "b" ? Cluster.pinnedNameSource : Cluster.localNameSource
            )
        }
        try store.saveClusters(clusters, assignments: [])
        let naming = ClusterNaming(name: "Claude name", description: "By Claude.")
        #expect(try store.renameCluster(runID: run, stableID: "a", naming: naming, source: "claude"))
        #expect(try !store.renameCluster(runID: run, stableID: "b", naming: naming, source: "claude"))
        let stored = try store.clusters(runID: run).sorted { $0.stableID < $1.stableID }
        #expect(stored.map(\.name) == ["Claude name", "local b"])
        #expect(stored.map(\.nameSource) == ["claude", "curated"])
    }

    /// The LLM suite's conversations as host messages in `store`.
    private func insertNamingConversations(_ store: MongoStore) throws {
        var records: [MessageRecord] = []
        for (conversation, texts) in BackgroundClusteringServiceLLMTests.conversations {
            for (index, text) in texts.enumerated() {
                let id = RecordID.string("\(conversation)-\(index)")
                records.append(
                    MessageRecord(id: id, conversationID: .string(conversation), role: "user", content: text)
                )
            }
        }
        try store.insertHostMessages(records)
    }

    /// A service on `store` with Claude at `fake` (one attempt per call, never degraded), k = 2, a 0.2 s tick.
    private func namingService(_ store: MongoStore, fake: FakeAnthropicServer) -> BackgroundClusteringService {
        var configuration = ServiceConfiguration(
            trigger: TriggerConfiguration(enabled: false),
            tickSeconds: 0.2,
            clustering: ClusteringConfiguration(kRule: .fixed(2), minClusterSize: 2)
        )
        configuration.anthropic = AnthropicConfiguration(
            apiKey: fake.apiKey,
            baseURL: fake.baseURL,
            model: "claude-test-model",
            http: HTTPClientConfiguration(connectTimeoutMilliseconds: 500, totalTimeoutMilliseconds: 2_000),
            retry: RetryPolicy(maxAttempts: 1),
            maxQueueWaitSeconds: 1,
            failuresBeforeDegraded: 100
        )
        return BackgroundClusteringService(
            configuration: configuration,
            store: store,
            embedder: HashingEmbedder(),
            logger: Logger(label: "test")
        )
    }

    /// Runs a forced run on `service` while Claude answers 500: the named clusters of the run, all local.
    private func runWithNamesFallingBack(
        _ service: BackgroundClusteringService,
        store: MongoStore
    ) throws -> (run: ClusteringRun, clusters: [Cluster]) {
        #expect(service.forceClustering().started)
        #expect(try waitUntil { try store.latestSuccessfulRun() != nil })
        #expect(waitUntil { !service.status().clusteringInProgress })
        let run = try #require(try store.latestSuccessfulRun())
        let before = try store.clusters(runID: run.id).filter { $0.stableID != "other" }
        #expect(!before.isEmpty && before.allSatisfy { $0.nameSource == "local" })
        return (run, before)
    }

    /// Whether every named cluster of `runID` carries the fake's Claude name.
    private func namedByClaude(_ store: MongoStore, runID: RecordID) throws -> Bool {
        try store.clusters(runID: runID).filter { $0.stableID != "other" }.allSatisfy {
            $0.nameSource == "claude" && $0.name.hasPrefix("Fake group: ")
        }
    }

    @Test("Names that fell back during a run get Claude's after it, in place, without a new run")
    func namesCatchUpAfterTheRun() throws {
        let fake = try FakeAnthropicServer()
        try fake.script([], otherwise: .error(status: 500, type: "api_error", message: "down"))
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        try insertNamingConversations(store)
        let service = namingService(store, fake: fake)
        service.start()
        defer { service.shutdown() }
        let (run, before) = try runWithNamesFallingBack(service, store: store)
        #expect(service.status().llm.namesPending == before.count)

        try fake.script([], otherwise: .auto)
        #expect(try waitUntil(10) { try namedByClaude(store, runID: run.id) })
        #expect(try store.latestSuccessfulRun()?.id == run.id)
        let after = try store.clusters(runID: run.id).filter { $0.stableID != "other" }
        #expect(Set(after.map(\.stableID)) == Set(before.map(\.stableID)))
        #expect(waitUntil { service.status().llm.namesPending == 0 })
        #expect(try store.pendingNames() == nil)
    }

    @Test("Names still pending are kept in MongoDB: a service started later (a restart, another leader) asks for them")
    func pendingNamesSurviveARestart() throws {
        let fake = try FakeAnthropicServer()
        try fake.script([], otherwise: .error(status: 500, type: "api_error", message: "down"))
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        try insertNamingConversations(store)
        let first = namingService(store, fake: fake)
        first.start()
        let (run, before) = try runWithNamesFallingBack(first, store: store)
        first.shutdown()
        let stored = try #require(try store.pendingNames())
        #expect(stored.runID == run.id)
        #expect(Set(stored.requests.map(\.stableID)) == Set(before.map(\.stableID)))
        #expect(stored.requests.allSatisfy { !$0.topConcepts.isEmpty && !$0.sampledMemberConcepts.isEmpty })

        // Claude answers again; a new service over the same store names them without a run of its own.
        try fake.script([], otherwise: .auto)
        let second = namingService(store, fake: fake)
        second.start()
        defer { second.shutdown() }
        #expect(try waitUntil(10) { try namedByClaude(store, runID: run.id) })
        #expect(try store.latestSuccessfulRun()?.id == run.id)
        #expect(try store.recentRuns(limit: 10).count == 1)
        #expect(try waitUntil(5) { try store.pendingNames() == nil })
    }
}
