import ClusterdCore
import ClusterdEmbedding
import ClusterdLLM
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Logging
import Testing

@testable import ClusterdService

/// Hand curation across runs, export pages and topic history, in process on the embedded MongoDB.
@Suite(.timeLimit(.minutes(3))) struct BackgroundClusteringServiceCurationTests {
    static let topics: [(String, [String])] = [
        ("refund", ["I want a refund for my order", "the refund for my order has not arrived"]),
        ("ship", ["my parcel shipping is late", "where is my parcel, shipping takes ages"]),
        ("visa", ["which visa do I need for Japan", "my passport visa stamp for Japan"]),
    ]

    private func makeService(store: MongoStore, k: Int, anthropic: AnthropicConfiguration? = nil)
        -> BackgroundClusteringService
    {
        ScenarioService.make(
            store: store,
            clustering: ClusteringConfiguration(kRule: .fixed(k), minClusterSize: 2),
            anthropic: anthropic
        )
    }

    /// Inserts `copies` conversations of each of the first `count` topics.
    private func insertCorpus(_ store: MongoStore, topics count: Int, copies: Int = 3) throws -> Int {
        for (name, texts) in Self.topics.prefix(count) {
            for index in 0..<copies { _ = try store.insertConversation("\(name)-\(index)", texts) }
        }
        return count * copies * 2
    }

    /// Forces a run after `previous` and returns it once the lane is idle.
    private func run(_ service: BackgroundClusteringService, _ store: MongoStore, after previous: RecordID?) throws
        -> ClusteringRun
    {
        #expect(waitUntil { !service.status().clusteringInProgress && !service.status().followUpQueued })
        _ = service.forceClustering()
        #expect(try waitUntil { try store.latestSuccessfulRun().map { $0.id != previous } ?? false })
        #expect(waitUntil { !service.status().clusteringInProgress && !service.status().followUpQueued })
        return try #require(try store.latestSuccessfulRun())
    }

    private func code(_ body: () throws -> Void) -> ServiceError.Code? {
        do {
            try body()
            return nil
        } catch let error as ServiceError {
            return error.code
        } catch {
            return nil
        }
    }

    @Test("a rename shows at once, survives a re-run and Claude naming; after unpin Claude names it again")
    func renameSurvivesRerunsAndClaude() throws {
        let fake = try FakeAnthropicServer()
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let messages = try insertCorpus(store, topics: 2)
        let anthropic = AnthropicConfiguration(
            apiKey: fake.apiKey,
            baseURL: fake.baseURL,
            model: "claude-test-model",
            http: HTTPClientConfiguration(connectTimeoutMilliseconds: 500, totalTimeoutMilliseconds: 2_000),
            retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(50), maxDelay: .seconds(1)),
            maxQueueWaitSeconds: 2
        )
        let service = makeService(store: store, k: 2, anthropic: anthropic)
        service.start()
        defer { service.shutdown() }
        #expect(try waitUntil { try store.countAnalyses() == messages })
        let first = try run(service, store, after: nil)
        let topic = try #require(try store.clusters(runID: first.id).first { $0.level == 0 && $0.stableID != "other" })
        #expect(topic.nameSource == "claude")

        let outcome = try service.curate(
            CurationRequest(action: .rename, stableID: topic.stableID, name: "Money back", description: "Refunds"),
            by: "token (test)"
        )
        #expect(outcome.change.previousName == topic.name && outcome.change.by == "token (test)")
        #expect(try store.cluster(runID: first.id, stableID: topic.stableID)?.name == "Money back", "at once")

        let second = try run(service, store, after: first.id)
        let kept = try #require(try store.cluster(runID: second.id, stableID: topic.stableID))
        #expect(kept.name == "Money back" && kept.description == "Refunds" && kept.nameSource == "curated")

        _ = try service.curate(CurationRequest(action: .unpin, stableID: topic.stableID), by: "local")
        let third = try run(service, store, after: second.id)
        let renamed = try #require(try store.cluster(runID: third.id, stableID: topic.stableID))
        #expect(renamed.nameSource == "claude" && renamed.name.hasPrefix("Fake group: "), "\(renamed.name)")

        let log = try service.curationLog(stableID: topic.stableID, limit: 10)
        #expect(log.changes.map(\.action) == [.unpin, .rename])
        #expect(log.topics.isEmpty, "an unpinned topic has no curation left")
    }

    @Test("a merge maps both ids to one in the next run and the one after; pin keeps the current name")
    func mergeMapsBothIDsToOne() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let messages = try insertCorpus(store, topics: 3)
        let service = makeService(store: store, k: 3)
        service.start()
        defer { service.shutdown() }
        #expect(try waitUntil { try store.countAnalyses() == messages })
        let first = try run(service, store, after: nil)
        let base = try store.clusters(runID: first.id).filter { $0.level == 0 && $0.stableID != "other" }
        #expect(base.count == 3)
        let refund = try #require(try store.assignment(conversationID: .string("refund-0"), runID: first.id))
        let ship = try #require(try store.assignment(conversationID: .string("ship-0"), runID: first.id))
        #expect(refund.stableID != ship.stableID)

        #expect(
            code {
                _ = try service.curate(
                    CurationRequest(action: .merge, stableID: ship.stableID, intoStableID: ship.stableID),
                    by: "local"
                )
            } == .invalidArgument
        )
        #expect(
            code {
                _ = try service.curate(
                    CurationRequest(action: .merge, stableID: "c-unknown", intoStableID: ship.stableID),
                    by: "local"
                )
            } == .notFound
        )
        #expect(
            code {
                _ = try service.curate(
                    CurationRequest(action: .merge, stableID: "c-unknown", intoStableID: "c-unknown"),
                    by: "local"
                )
            } == .notFound,
            "an unknown topic is NOT_FOUND before its merge target is looked at"
        )
        #expect(
            code {
                _ = try service.curate(CurationRequest(action: .rename, stableID: "c-unknown", name: "x"), by: "local")
            } == .notFound
        )
        #expect(
            code { _ = try service.curate(CurationRequest(action: .unpin, stableID: ship.stableID), by: "local") }
                == .invalidArgument
        )
        let merge = try service.curate(
            CurationRequest(action: .merge, stableID: ship.stableID, intoStableID: refund.stableID),
            by: "local"
        )
        #expect(merge.message.contains("next run"))
        #expect(
            code {
                _ = try service.curate(
                    CurationRequest(action: .merge, stableID: refund.stableID, intoStableID: ship.stableID),
                    by: "local"
                )
            }
                == .invalidArgument,
            "merging the survivor back would make a cycle"
        )
        let pinned = try #require(base.first { $0.stableID != refund.stableID && $0.stableID != ship.stableID })
        _ = try service.curate(CurationRequest(action: .pin, stableID: pinned.stableID), by: "local")

        let second = try run(service, store, after: first.id)
        let assignments = try store.assignments(runID: second.id)
        let merged = assignments.filter { !$0.conversationID.description.hasPrefix("visa") }
        #expect(Set(merged.map(\.stableID)) == [refund.stableID], "both topics under the survivor")
        let clusters = try store.clusters(runID: second.id)
        #expect(clusters.allSatisfy { $0.stableID != ship.stableID })
        #expect(clusters.first { $0.stableID == refund.stableID }?.size == 6)
        #expect(clusters.first { $0.stableID == pinned.stableID }?.name == pinned.name)
        #expect(second.metrics?.sizes.reduce(0, +) == 9)

        // The run after: its previous run no longer has the merged id, which still maps to the survivor.
        let third = try run(service, store, after: second.id)
        let later = try store.assignments(runID: third.id).filter { !$0.conversationID.description.hasPrefix("visa") }
        #expect(Set(later.map(\.stableID)) == [refund.stableID])
        #expect(try store.clusters(runID: third.id).allSatisfy { $0.stableID != ship.stableID })
    }

    @Test("export pages cover the run's assignments and provisional placements since; history spans the runs")
    func exportAndHistory() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let messages = try insertCorpus(store, topics: 2, copies: 4)
        let service = makeService(store: store, k: 2)
        service.start()
        defer { service.shutdown() }
        #expect(code { _ = try service.exportPage(runID: "", provisional: false, after: "", limit: 0) } == .notFound)
        #expect(try waitUntil { try store.countAnalyses() == messages })
        let first = try run(service, store, after: nil)
        // A conversation analysed after the run is placed provisionally; so is a new message of one in the run.
        for id in try store.insertConversation("refund-new", Self.topics[0].1) {
            _ = try service.triggerAnalysis(messageID: id, conversationID: "refund-new")
        }
        try store.insertHostMessages([
            MessageRecord(
                id: .string("ship-0-9"),
                conversationID: .string("ship-0"),
                role: "user",
                content: "parcel shipping"
            )
        ])
        _ = try service.triggerAnalysis(messageID: "ship-0-9", conversationID: "ship-0")
        #expect(
            try waitUntil(5) {
                try store.provisionalAssignments(conversationIDs: [.string("refund-new"), .string("ship-0")]).count == 2
            }
        )

        var rows: [ExportedAssignment] = []
        for provisional in [false, true] {
            var after = ""
            var pages = 0
            while true {
                let page = try service.exportPage(runID: "", provisional: provisional, after: after, limit: 3)
                #expect(page.runID == first.id.description)
                rows += page.rows
                pages += 1
                if page.done { break }
                after = page.nextAfter
            }
            #expect(pages > (provisional ? 0 : 2))
        }
        let assigned = rows.filter { !$0.provisional }
        #expect(assigned.count == 8)
        #expect(Set(assigned.map(\.conversationID)).count == 8)
        let provisional = rows.filter(\.provisional)
        #expect(provisional.map(\.conversationID) == ["refund-new"], "ship-0 is the run's own, not provisional")
        #expect(provisional.first?.assignedAt != nil)
        #expect(
            code { _ = try service.exportPage(runID: "", provisional: false, after: "bogus", limit: 0) }
                == .invalidArgument
        )
        #expect(
            code { _ = try service.exportPage(runID: "nope", provisional: false, after: "", limit: 0) } == .notFound
        )
        #expect(
            code { _ = try service.exportPage(runID: "", provisional: false, after: "k0123", limit: 0) }
                == .invalidArgument,
            "an unknown or expired export token"
        )

        let stable = try #require(assigned.first { $0.conversationID == "refund-0" }).stableID
        let second = try run(service, store, after: first.id)
        let history = try service.topicHistory(stableID: stable, level: nil)
        // The newest two are the forced runs (a first automatic run may precede them).
        #expect(history.prefix(2).map(\.runID) == [second.id.description, first.id.description])
        #expect(history.allSatisfy { $0.present })
        try #require(history.count >= 2)
        #expect(history[0].size == 5 && history[1].size == 4, "refund-new joined in the second run")
        #expect(history[0].events.contains { $0.kind == .continued })
        #expect(history.last?.events.contains { $0.kind == .born } == true)
        #expect(code { _ = try service.topicHistory(stableID: "c-none", level: nil) } == .notFound)
    }
}
