import ClusterdCore
import Foundation
import Testing

/// Placing a conversation analysed since the latest run: the mean of its messages, each once, at the nearest base
/// cluster.
struct ProvisionalPlacementRuleTests {
    let now = Date(timeIntervalSince1970: 1_736_544_600)
    let centroids = BaseCentroids(
        runID: .string("run-1"),
        embedder: "minilm",
        clusters: [(stableID: "east", centroid: [1, 0, 0]), (stableID: "north", centroid: [0, 1, 0])]
    )

    func analysis(_ id: String, _ vector: [Float], embedder: String = "minilm") -> MessageAnalysis {
        MessageAnalysis(
            messageID: .string(id),
            conversationID: .string("c"),
            concepts: [],
            embedding: vector,
            embedder: embedder,
            conceptSource: "local",
            analyzedAt: now
        )
    }

    func place(_ analyses: [MessageAnalysis], after existing: ProvisionalAssignment? = nil) -> ProvisionalAssignment? {
        ProvisionalPlacementRule.place(
            conversationID: .string("c"),
            existing: existing,
            analyses: analyses,
            among: centroids,
            now: now
        )
    }

    @Test func theNearestCentroidByCosineWithItsDistance() throws {
        let placed = try #require(place([analysis("m1", [0.9, 0.1, 0]), analysis("m2", [0.7, 0.3, 0])]))
        #expect(placed.stableID == "east" && placed.runID == .string("run-1") && placed.assignedAt == now)
        // The mean (0.8, 0.2, 0) normalised: cosine 0.970 to east.
        #expect(abs(placed.distance - (1 - 0.8 / (0.8 * 0.8 + 0.2 * 0.2).squareRoot())) < 1e-6)
        #expect(zip(placed.vectorSum, [1.6, 0.4, 0] as [Float]).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(placed.messageIDs == [.string("m1"), .string("m2")])
    }

    @Test func laterMessagesMoveTheMeanAndEachMessageCountsOnce() throws {
        let first = try #require(place([analysis("m1", [1, 0, 0])]))
        #expect(first.stableID == "east")
        // Re-analysed m1 adds nothing; two northern messages outweigh it.
        let later = try #require(
            place([analysis("m1", [1, 0, 0]), analysis("m2", [0, 1, 0]), analysis("m3", [0, 1, 0])], after: first)
        )
        #expect(later.stableID == "north")
        #expect(later.vectorSum == [1, 2, 0] && later.messageIDs.count == 3)
    }

    @Test func anotherEmbeddersSumStartsOverAndItsAnalysesAreNotPlaced() throws {
        var stale = try #require(place([analysis("m1", [0, 1, 0])]))
        stale.embedder = "hashing-v1"
        let placed = try #require(place([analysis("m2", [1, 0, 0])], after: stale))
        #expect(placed.stableID == "east" && placed.messageIDs == [.string("m2")])
        #expect(place([analysis("m3", [1, 0, 0], embedder: "hashing-v1")]) == nil)
        let noCentroids = ProvisionalPlacementRule.place(
            conversationID: .string("c"),
            existing: nil,
            analyses: [analysis("m4", [1, 0])],
            among: centroids,
            now: now
        )
        #expect(noCentroids == nil, "no centroid of the vector's dimension")
    }
}
