import ClusterdCore
import ClusterdEmbedding
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Logging
import Testing

@testable import ClusterdService

/// Provisional placement between runs and GetConversationCluster's answers, against the real embedded MongoDB.
@Suite struct BackgroundClusteringServicePlacementTests {
    static let refund = ["I want a refund for my order", "the refund for my order has not arrived"]
    static let shipping = ["my parcel shipping is late", "where is my parcel, shipping takes ages"]

    private func makeService(store: MongoStore) -> BackgroundClusteringService {
        var clustering = ClusteringConfiguration()
        clustering.kRule = .fixed(2)
        return ScenarioService.make(store: store, clustering: clustering, queueCapacity: 100)
    }

    @Test("a run's conversation answers with its assignment; one analysed after the run is placed within seconds")
    func placedBetweenRuns() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        for index in 0..<3 {
            _ = try store.insertConversation("refund-\(index)", Self.refund)
            _ = try store.insertConversation("ship-\(index)", Self.shipping)
        }
        let service = makeService(store: store)
        service.start()
        defer { service.shutdown() }
        #expect(try waitUntil { try store.countAnalyses() == 12 })
        _ = service.forceClustering()
        // The first-run rule may start a run of its own first: wait until the lane is idle, then take the latest.
        #expect(try waitUntil { try store.latestRun()?.status == .succeeded })
        #expect(waitUntil { !service.status().clusteringInProgress && !service.status().followUpQueued })
        let run = try #require(try store.latestSuccessfulRun())

        let inRun = try service.conversationCluster(id: "refund-0")
        #expect(!inRun.provisional && inRun.runID == run.id.description && inRun.assignedAt == nil)
        let assignment = try #require(try store.assignment(conversationID: .string("refund-0"), runID: run.id))
        #expect(inRun.path.map(\.stableID) == [assignment.stableID] && inRun.path.first?.level == 0)
        let shipping = try service.conversationCluster(id: "ship-1")
        #expect(shipping.path.first?.stableID != assignment.stableID, "two topics, two clusters")

        #expect(throws: ServiceError.self) { try service.conversationCluster(id: "refund-9") }
        for id in try store.insertConversation("refund-9", Self.refund) {
            _ = try service.triggerAnalysis(messageID: id, conversationID: "refund-9")
        }
        #expect(
            try waitUntil(5) {
                try store.provisionalAssignments(conversationIDs: [.string("refund-9")]).first?.value.messageIDs.count
                    == 2
            }
        )
        let placed = try service.conversationCluster(id: "refund-9")
        #expect(placed.provisional && placed.runID == run.id.description && placed.assignedAt != nil)
        #expect(placed.path.map(\.stableID) == [assignment.stableID], "the refund cluster, as its twin in the run")
        #expect(abs(placed.distance - assignment.distance) < 1e-5)
        let stored = try #require(try store.provisionalAssignments(conversationIDs: [.string("refund-9")]).first?.value)
        #expect(stored.messageIDs.count == 2)

        let erased = try service.forgetConversation(id: "refund-9")
        #expect(erased.assignments == 1, "the provisional placement is erased with the conversation")
        #expect(throws: ServiceError.self) { try service.conversationCluster(id: "refund-9") }
    }

    @Test("no run yet, an empty id and an over-long one are refused with their own errors")
    func refusals() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let service = makeService(store: store)
        service.start()
        defer { service.shutdown() }
        func code(_ id: String) -> ServiceError.Code? {
            do {
                _ = try service.conversationCluster(id: id)
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code("anything") == .notFound)
        #expect(code("") == .invalidArgument)
        #expect(code(String(repeating: "x", count: 1_025)) == .invalidArgument)
    }

    @Test("a conversation's path runs from its base cluster through each parent to the top")
    func pathThroughTheLevels() {
        func cluster(_ id: String, level: Int, parent: String?) -> Cluster {
            var cluster = Cluster(
                runID: .string("r"),
                stableID: id,
                name: "name \(id)",
                description: "",
                size: 10 * (level + 1),
                topConcepts: [],
                representativeConversationIDs: [],
                centroid: []
            )
            cluster.level = level
            cluster.parent = parent
            return cluster
        }
        let clusters = [
            cluster("t1", level: 2, parent: nil), cluster("p1", level: 1, parent: "t1"),
            cluster("b1", level: 0, parent: "p1"), cluster("b2", level: 0, parent: "p1"),
            // The same id at another level is another cluster.
            cluster("p1", level: 0, parent: "p1"),
        ]
        let path = BackgroundClusteringService.path(of: "b1", in: clusters)
        #expect(path.map(\.stableID) == ["b1", "p1", "t1"] && path.map(\.level) == [0, 1, 2])
        #expect(path.first?.name == "name b1" && path.last?.size == 30)
        #expect(BackgroundClusteringService.path(of: "gone", in: clusters).map(\.stableID) == ["gone"])
    }
}
