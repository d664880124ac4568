import Testing

@testable import ClusterdClustering
@testable import ClusterdCore

@Suite struct ClusteringEngineTests {
    static let topics = [
        ["billing refund", "invoice", "account"],
        ["password reset", "login", "account"],
        ["shipping delay", "tracking number", "account"],
        ["medical record", "jane doe", "account"],
    ]

    /// Conversations of two messages each around the blob axes; blob `b` talks about `topics[b]` (all mention
    /// "account" and the first topic, two in three the second).
    static func conversations(blobs: Int = 3, perBlob: Int = 12, extra: [Int] = [], seed: UInt64 = 7)
        -> [ConversationInput]
    {
        let first = SyntheticBlobs.make(blobs: blobs, perBlob: perBlob, seed: seed)
        let second = SyntheticBlobs.make(blobs: blobs, perBlob: perBlob, seed: seed &+ 1)
        var result: [ConversationInput] = []
        for index in first.points.indices {
            let blob = first.blobs[index]
            result.append(
                ConversationInput(
                    id: .string("conv-\(blob)-\(index)"),
                    embeddings: [first.points[index], second.points[index]],
                    concepts: [[topics[blob][0], topics[blob][2]], index % 3 == 0 ? [] : [topics[blob][1]]]
                )
            )
        }
        let tiny = SyntheticBlobs.make(blobs: 4, perBlob: 1, seed: seed &+ 2)
        for (position, blob) in extra.enumerated() {
            result.append(
                ConversationInput(
                    id: .string("tiny-\(position)"),
                    embeddings: [tiny.points[blob]],
                    concepts: [topics[blob]]
                )
            )
        }
        return result
    }

    private func run(
        _ conversations: [ConversationInput],
        previous: [Cluster] = [],
        runID: String = "run-1",
        configuration: ClusteringConfiguration = ClusteringConfiguration()
    ) -> ClusteringOutcome {
        ClusteringEngine(configuration: configuration)
            .run(runID: .string(runID), conversations: conversations, previous: previous) { _ in }
    }

    @Test func clustersNamesAndAssignsEveryConversation() throws {
        let conversations = Self.conversations()
        let outcome = run(conversations)
        #expect(outcome.kRule == "grid")
        #expect(outcome.metrics.k == 3)
        #expect(outcome.clusters.map(\.size) == [12, 12, 12])
        #expect(outcome.assignments.count == conversations.count)
        #expect(outcome.assignments.map(\.conversationID) == conversations.map(\.id).sorted())
        let names = Set(outcome.clusters.map(\.name))
        #expect(names == ["billing refund · invoice", "password reset · login", "shipping delay · tracking number"])
        for cluster in outcome.clusters {
            #expect(cluster.stableID.hasPrefix("c-") && cluster.stableID.count == 14)
            #expect(cluster.representativeConversationIDs.count == 3)
            let members = outcome.assignments.filter { $0.stableID == cluster.stableID }
            #expect(members.count == cluster.size)
            let prefix = try #require(members.first?.conversationID.description.prefix(6))
            #expect(members.allSatisfy { $0.conversationID.description.hasPrefix(prefix) })
            let closest = members.sorted { $0.distance < $1.distance }.prefix(3).map(\.conversationID)
            #expect(Set(cluster.representativeConversationIDs) == Set(closest))
            #expect(!cluster.topConcepts.contains("account") || cluster.topConcepts.first != "account")
        }
        #expect(Set(outcome.clusters.map(\.stableID)).count == 3)
    }

    @Test func aTrainingSamplePerClusterStillPlacesEveryConversation() throws {
        // 3 topics × 40 conversations, each k-means start fitted on 5 conversations per cluster
        // (CLUSTERD_KMEANS_TRAINING_PER_CENTROID), then every conversation assigned.
        let conversations = Self.conversations(perBlob: 40)
        let configuration = ClusteringConfiguration(kRule: .fixed(3), trainingPointsPerCentroid: 5)
        #expect(ClusteringEngine(configuration: configuration).kMeans(3).trainingPointsPerCentroid == 5)
        #expect(ClusteringEngine(configuration: ClusteringConfiguration()).kMeans(3).trainingPointsPerCentroid == nil)
        let outcome = run(conversations, configuration: configuration)
        #expect(outcome.clusters.map(\.size) == [40, 40, 40])
        #expect(outcome.assignments.map(\.conversationID) == conversations.map(\.id).sorted())
        for cluster in outcome.clusters {
            let members = outcome.assignments.filter { $0.stableID == cluster.stableID }
            let prefix = try #require(members.first?.conversationID.description.prefix(6))
            #expect(members.allSatisfy { $0.conversationID.description.hasPrefix(prefix) })
        }
    }

    @Test func sameInputsGiveTheSameOutcomeWhateverTheOrder() {
        let conversations = Self.conversations()
        let first = run(conversations)
        #expect(first == run(conversations))
        var generator = SeededGenerator(seed: 3)
        #expect(first == run(conversations.shuffled(using: &generator)))
        // Fresh ids depend on content, not on the run id.
        #expect(first.clusters.map(\.stableID) == run(conversations, runID: "run-2").clusters.map(\.stableID))
    }

    @Test func rerunningWithThePreviousOutcomeKeepsStableIDsAndNames() {
        let first = run(Self.conversations())
        var renamed = first.clusters
        renamed[0].name = "Refunds (named by Claude)"
        let second = run(Self.conversations(seed: 8), previous: renamed, runID: "run-2")
        #expect(Set(second.clusters.map(\.stableID)) == Set(first.clusters.map(\.stableID)))
        let byID = Dictionary(uniqueKeysWithValues: second.clusters.map { ($0.stableID, $0) })
        #expect(byID[renamed[0].stableID]?.name == "Refunds (named by Claude)")
        #expect(second.clusters.allSatisfy { $0.runID == .string("run-2") })
    }

    @Test func unmatchedClustersAreBornAndDissimilarPreviousOnesRetire() {
        let first = run(Self.conversations())
        var unrelated = first.clusters[0]
        unrelated.stableID = "c-retired00000"
        unrelated.centroid = unrelated.centroid.map { -$0 }
        let second = run(Self.conversations(), previous: [unrelated])
        #expect(!second.clusters.contains { $0.stableID == "c-retired00000" })
        #expect(second.clusters.map(\.stableID) == first.clusters.map(\.stableID))
    }

    @Test func tinyClustersGoToOtherAndAreNotNamed() throws {
        let configuration = ClusteringConfiguration(kRule: .fixed(4), minClusterSize: 3)
        let outcome = run(Self.conversations(extra: [3, 3]), configuration: configuration)
        #expect(outcome.metrics.k == 4)
        let other = try #require(outcome.clusters.last)
        #expect(other.name == "Other")
        #expect(other.stableID == ClusteringEngine.otherStableID)
        #expect(other.size == 2)
        #expect(other.topConcepts.isEmpty)
        #expect(other.representativeConversationIDs.isEmpty)
        let everything = outcome.clusters.flatMap { [$0.name, $0.description] + $0.topConcepts }
        #expect(!everything.contains { $0.contains("jane") || $0.contains("medical") })
        #expect(
            outcome.assignments.filter { $0.stableID == "other" }.map(\.conversationID.description).sorted()
                == ["tiny-0", "tiny-1"]
        )
    }

    @Test func handlesTinyInputs() {
        let engine = ClusteringEngine(configuration: ClusteringConfiguration())
        var reported: [Double] = []
        let empty = engine.run(runID: .string("r"), conversations: [], previous: []) { reported.append($0) }
        #expect(empty.clusters.isEmpty && empty.assignments.isEmpty)
        #expect(empty.metrics.k == 0)
        #expect(reported.first == 0 && reported.last == 1)
        #expect(zip(reported, reported.dropFirst()).allSatisfy { $0 <= $1 })

        let one = run(Array(Self.conversations().prefix(1)))
        #expect(one.clusters.count == 1 && one.assignments.count == 1)
        let two = run(Array(Self.conversations().prefix(2)))
        #expect(two.metrics.k == 1 && two.metrics.silhouette == nil)
        let noEmbeddings = run([ConversationInput(id: .string("a"), embeddings: [], concepts: [["x"]])])
        #expect(noEmbeddings.assignments.count == 1)
    }

    @Test func ignoresEmbeddingsOfAnotherDimension() {
        var conversations = Self.conversations()
        conversations[0].embeddings.append([1, 0, 0])
        #expect(run(conversations).clusters.map(\.size) == [12, 12, 12])
    }
}
