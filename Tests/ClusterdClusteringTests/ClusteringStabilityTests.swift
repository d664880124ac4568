import Testing

@testable import ClusterdClustering
@testable import ClusterdCore

/// Stable ids, lineage and run-to-run metrics of `ClusteringEngine` on realistic (overlapping, noisy) data.
// Serialized: its corpus-wide cases are seconds of CPU each in a debug build, and run in parallel they held every
// thread of the 2-core machine's cooperative pool for ~30 s, starving the timing-sensitive async tests.
@Suite(.serialized) struct ClusteringStabilityTests {
    private static func previous(_ outcome: ClusteringOutcome) -> PreviousClustering {
        PreviousClustering(clusters: outcome.clusters, assignments: outcome.assignments, k: outcome.metrics.k)
    }

    private static func run(
        _ conversations: [ConversationInput],
        after previous: ClusteringOutcome? = nil,
        runID: String = "run",
        configuration: ClusteringConfiguration = ClusteringConfiguration()
    ) -> ClusteringOutcome {
        ClusteringEngine(configuration: configuration)
            .run(
                runID: .string(runID),
                conversations: conversations,
                previous: previous.map(Self.previous) ?? .none
            ) { _ in }
    }

    /// The share of `before`'s conversations that have the same stable id in `after`.
    private static func keptShare(_ before: ClusteringOutcome, _ after: ClusteringOutcome) -> Double {
        let now = Dictionary(uniqueKeysWithValues: after.assignments.map { ($0.conversationID, $0.stableID) })
        let kept = before.assignments.filter { now[$0.conversationID] == $0.stableID }.count
        return Double(kept) / Double(before.assignments.count)
    }

    static let corpora: [UInt64] = [11, 12, 13, 14, 15, 16]

    @Test("re-running on unchanged noisy data keeps ≥ 95% of conversations on their stable id", arguments: corpora)
    func unchangedDataKeepsStableIDs(seed: UInt64) {
        let conversations = NoisyTopics(seed: seed).conversations(count: 400).conversations
        let first = Self.run(conversations, runID: "run-1")
        let second = Self.run(conversations, after: first, runID: "run-2")
        let kept = Self.keptShare(first, second)
        #expect(kept >= 0.95, "kept \(kept)")
        #expect(second.metrics.churn == 1 - kept)
        #expect(second.metrics.comparedConversations == 400)
        #expect(second.lineage.allSatisfy { $0.kind == .continued && !$0.renamed })
        #expect(second.clusters.map(\.name) == first.clusters.map(\.name))
    }

    @Test("adding 10% new conversations keeps ≥ 90% of the old ones on their stable id", arguments: corpora)
    func tenPercentNewConversationsKeepStableIDs(seed: UInt64) throws {
        let corpus = NoisyTopics(seed: seed)
        let old = corpus.conversations(count: 400).conversations
        let added = corpus.conversations(count: 40, prefix: "new", stream: 1).conversations
        let first = Self.run(old, runID: "run-1")
        let second = Self.run(old + added, after: first, runID: "run-2")
        let kept = Self.keptShare(first, second)
        #expect(kept >= 0.90, "kept \(kept)")
        let churn = try #require(second.metrics.churn)
        #expect(abs(churn - (1 - kept)) < 1e-12)
        #expect(second.metrics.comparedConversations == 400)
        #expect((second.metrics.adjustedRandIndex ?? 0) > 0.8)
        #expect(second.assignments.count == 440)
    }

    @Test func firstRunHasNoComparisonAndOnlyBirths() {
        let outcome = Self.run(NoisyTopics().conversations(count: 120).conversations)
        #expect(outcome.metrics.churn == nil)
        #expect(outcome.metrics.adjustedRandIndex == nil)
        #expect(outcome.metrics.comparedConversations == 0)
        #expect(outcome.lineage.allSatisfy { $0.kind == .born })
        #expect(outcome.lineage.count == outcome.clusters.count)
        #expect(outcome.clusters.allSatisfy { $0.lineage == .born })
    }

    @Test func sameInputsAndPreviousRunGiveTheSameOutcomeWhateverTheOrder() {
        let corpus = NoisyTopics(seed: 21)
        let first = Self.run(corpus.conversations(count: 200).conversations)
        let next =
            corpus.conversations(count: 200).conversations + corpus.conversations(count: 30, stream: 2).conversations
        let second = Self.run(next, after: first)
        var generator = SeededGenerator(seed: 4)
        #expect(second == Self.run(next.shuffled(using: &generator), after: first))
    }

    /// Four orthogonal blobs of 15 conversations, each blob with its own concept.
    private static func fourBlobs() -> [ConversationInput] {
        let data = SyntheticBlobs.make(blobs: 4, perBlob: 15, seed: 3)
        let words = ["refund", "password", "parcel", "recipe"]
        return data.points.indices.map { index in
            ConversationInput(
                id: .string("b\(data.blobs[index])-\(index)"),
                embeddings: [data.points[index]],
                concepts: [[words[data.blobs[index]]]]
            )
        }
    }

    @Test func aSplitKeepsTheIDOnOneHalfAndRecordsTheSplit() throws {
        let conversations = Self.fourBlobs()
        let three = Self.run(conversations, configuration: ClusteringConfiguration(kRule: .fixed(3)))
        let merged = try #require(three.clusters.first { $0.size == 30 })
        let four = Self.run(conversations, after: three, configuration: ClusteringConfiguration(kRule: .fixed(4)))
        #expect(four.clusters.map(\.size) == [15, 15, 15, 15])

        let split = try #require(four.lineage.first { $0.kind == .split })
        #expect(split.previousStableIDs == [merged.stableID])
        #expect(split.stableIDs.count == 2 && split.stableIDs.contains(merged.stableID))
        let bornID = try #require(split.stableIDs.first { $0 != merged.stableID })
        #expect(four.lineage.contains { $0.kind == .born && $0.stableIDs == [bornID] })
        #expect(four.lineage.filter { $0.kind == .continued }.count == 3)
        #expect(!four.lineage.contains { $0.kind == .retired || $0.kind == .merged })
        for id in split.stableIDs {
            let cluster = try #require(four.clusters.first { $0.stableID == id })
            #expect(cluster.lineage.kind == .split)
            #expect(cluster.lineage.previousStableIDs == [merged.stableID])
        }
        // The half that kept the id was re-named (overlap 0.5 < 0.6); the born half is named afresh.
        #expect(four.lineage.contains { $0.kind == .continued && $0.stableIDs == [merged.stableID] && $0.renamed })
        #expect(Set(four.clusters.map(\.name)) == ["refund", "password", "parcel", "recipe"])
        #expect(four.metrics.churn == 0.25)
    }

    @Test func aMergeKeepsOneIDRetiresTheOtherAndRecordsTheMerge() throws {
        let conversations = Self.fourBlobs()
        let four = Self.run(conversations, configuration: ClusteringConfiguration(kRule: .fixed(4)))
        let three = Self.run(conversations, after: four, configuration: ClusteringConfiguration(kRule: .fixed(3)))
        let target = try #require(three.clusters.first { $0.size == 30 })

        let merge = try #require(three.lineage.first { $0.kind == .merged })
        #expect(merge.stableIDs == [target.stableID])
        #expect(merge.previousStableIDs.count == 2 && merge.previousStableIDs.contains(target.stableID))
        let retiredID = try #require(merge.previousStableIDs.first { $0 != target.stableID })
        #expect(three.lineage.contains { $0.kind == .retired && $0.previousStableIDs == [retiredID] })
        #expect(!three.clusters.contains { $0.stableID == retiredID })
        #expect(target.lineage.kind == .merged)
        #expect(target.lineage.previousStableIDs.first == target.stableID)
        #expect(Set(target.lineage.previousStableIDs) == Set(merge.previousStableIDs))
        #expect(three.lineage.filter { $0.kind == .continued }.count == 3)
        #expect(!three.lineage.contains { $0.kind == .born || $0.kind == .split })
        #expect(three.metrics.churn == 0.25)
    }

    @Test func aMatchedClusterKeepsItsNameUnlessItsMembershipDrifted() throws {
        let conversations = Self.fourBlobs()
        let first = Self.run(conversations, configuration: ClusteringConfiguration(kRule: .fixed(4)))
        var previous = Self.previous(first)
        previous.clusters = previous.clusters.map { cluster in
            var named = cluster
            named.name = "Named by an analyst: \(cluster.stableID)"
            return named
        }
        // Six in ten of one cluster's conversations were elsewhere last time: overlap 0.4 < 0.6.
        let drifted = first.clusters[0].stableID
        let members = first.assignments.filter { $0.stableID == drifted }.map(\.conversationID)
        for id in members.prefix(9) { previous.assignments[id] = "c-elsewhere" }

        let second = ClusteringEngine(configuration: ClusteringConfiguration(kRule: .fixed(4)))
            .run(runID: .string("run-2"), conversations: conversations, previous: previous) { _ in }
        #expect(Set(second.clusters.map(\.stableID)) == Set(first.clusters.map(\.stableID)))
        for cluster in second.clusters {
            if cluster.stableID == drifted {
                #expect(cluster.name == first.clusters[0].name)
                #expect(cluster.lineage.renamed)
            } else {
                #expect(cluster.name == "Named by an analyst: \(cluster.stableID)")
                #expect(!cluster.lineage.renamed)
            }
        }
        let event = try #require(second.lineage.first { $0.stableIDs == [drifted] })
        #expect(event.kind == .continued && event.renamed)
        #expect(abs((event.overlap ?? 0) - 0.4) < 1e-12)
    }

    @Test func membershipAloneKeepsIDsWhenCentroidsCannotBeCompared() {
        // The embedder changed: the previous centroids have another length, so only membership can match.
        let conversations = NoisyTopics(seed: 12).conversations(count: 200).conversations
        let first = Self.run(conversations)
        var previous = Self.previous(first)
        previous.clusters = previous.clusters.map { cluster in
            var other = cluster
            other.centroid = [1, 0, 0]
            return other
        }
        let second = ClusteringEngine()
            .run(runID: .string("run-2"), conversations: conversations, previous: previous) { _ in }
        #expect(Self.keptShare(first, second) == 1)
        // Without memberships nothing can be matched: every cluster is born and every old one retires.
        previous.assignments = [:]
        let blind = ClusteringEngine()
            .run(runID: .string("run-2"), conversations: conversations, previous: previous) { _ in }
        #expect(blind.lineage.filter { $0.kind == .retired }.count == first.clusters.count)
        #expect(blind.metrics.churn == nil)
    }

    @Test func thePreviousKIsKeptUnlessAnotherBeatsItByTheMargin() {
        let data = SyntheticBlobs.make(blobs: 3, perBlob: 20, seed: 9)
        let conversations = data.points.indices.map { index in
            ConversationInput(id: .string("p-\(index)"), embeddings: [data.points[index]], concepts: [])
        }
        let four = Self.run(conversations, configuration: ClusteringConfiguration(kRule: .fixed(4)))
        #expect(four.metrics.k == 4)
        let sticky = Self.run(conversations, after: four, configuration: ClusteringConfiguration(kSwitchMargin: 1))
        #expect(sticky.metrics.k == 4)
        #expect(Self.keptShare(four, sticky) == 1)
        let strict = Self.run(conversations, after: four, configuration: ClusteringConfiguration(kSwitchMargin: 0))
        #expect(strict.metrics.k == 3)
        #expect(strict.lineage.contains { $0.kind == .merged })
    }

    @Test func theOtherBucketKeepsItsIDAndStaysOutOfMatchingAndLineage() throws {
        let configuration = ClusteringConfiguration(kRule: .fixed(4), minClusterSize: 3)
        let conversations = ClusteringEngineTests.conversations(extra: [3, 3])
        let first = Self.run(conversations, configuration: configuration)
        let second = Self.run(conversations, after: first, configuration: configuration)
        let other = try #require(second.clusters.last)
        #expect(other.stableID == ClusteringEngine.otherStableID)
        #expect(other.lineage == ClusterLineage(kind: .continued, previousStableIDs: ["other"]))
        #expect(!second.lineage.contains { $0.stableIDs.contains("other") || $0.previousStableIDs.contains("other") })
        #expect(second.lineage.count == 3)
        #expect(second.metrics.churn == 0)
        #expect(second.metrics.adjustedRandIndex == 1)
        #expect(first.clusters.last?.lineage == .born)
    }
}
