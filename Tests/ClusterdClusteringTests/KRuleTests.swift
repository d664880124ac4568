import Testing

@testable import ClusterdClustering
@testable import ClusterdCore

@Suite struct KRuleTests {
    @Test func describesItself() {
        #expect(KRule.fixed(8).description == "fixed:8")
        #expect(KRule.silhouette(range: 2...12, sampleSize: 1000).description == "silhouette:2-12")
        #expect(KRule.grid(sampleSize: 3000).description == "grid")
    }

    @Test("between silhouettes within the tolerance of the best, the smallest k wins; a clearly better one still wins")
    func choosesTheSmallestKAmongNearTies() {
        func fit(_ k: Int) -> KMeansResult {
            KMeansResult(
                centroids: Array(repeating: [1], count: k),
                assignments: [],
                distances: [],
                inertia: 0,
                iterations: 0
            )
        }
        let tolerance = ClusteringEngine.silhouetteTolerance
        // 180 is just within the tolerance of 240's score: 180 is chosen.
        let nearTie = [(fit(160), 0.20), (fit(180), 0.30 * (1 - tolerance / 2)), (fit(240), 0.30)]
        #expect(ClusteringEngine.parsimonious(nearTie.map { ($0.0, Optional($0.1)) }).fit.centroids.count == 180)
        // 240 beats 180 by more than the tolerance: 240.
        let clear = [(fit(180), 0.30 * (1 - 2 * tolerance)), (fit(240), 0.30)]
        #expect(ClusteringEngine.parsimonious(clear.map { ($0.0, Optional($0.1)) }).fit.centroids.count == 240)
        // No scores at all: the first candidate.
        #expect(ClusteringEngine.parsimonious([(fit(2), nil), (fit(3), nil)]).fit.centroids.count == 2)
    }

    @Test func gridGrowsWithTheData() {
        let rule = KRule.grid(sampleSize: 3000)
        #expect(rule.candidates(count: 0, distinctCount: 0) == [0])
        #expect(rule.candidates(count: 2, distinctCount: 2) == [1])
        #expect(rule.candidates(count: 100, distinctCount: 1) == [1])
        // A few dozen conversations: a handful of clusters at most.
        #expect(rule.candidates(count: 8, distinctCount: 8) == [2, 3, 4])
        #expect(rule.candidates(count: 36, distinctCount: 36) == Array(2...12))
        #expect(rule.candidates(count: 100, distinctCount: 5) == Array(2...5))
        // Every k to 12, then the reference grid from 15, capped at a tenth of the points.
        #expect(rule.candidates(count: 500, distinctCount: 500) == Array(2...12) + [15, 20, 25, 30, 35, 40, 45, 50])
        let twoThousand = rule.candidates(count: 2000, distinctCount: 2000)
        #expect(twoThousand.first == 2 && twoThousand.last == 200 && twoThousand.contains(60))
        #expect(twoThousand.count == 29 && twoThousand.contains(120) && !twoThousand.contains(13))
        // Beyond the sample's resolution the grid stops at a tenth of the sample: hundreds, not thousands.
        for count in [3000, 100_000, 1_000_000] {
            #expect(rule.candidates(count: count, distinctCount: count).last == 280)
            #expect(KRule.gridCap(count: count, distinctCount: count, sampleSize: 3000) == 300)
        }
        #expect(KRule.grid(sampleSize: 10_000).candidates(count: 100_000, distinctCount: 100_000).last == 960)
        #expect(rule.sampleSize == 3000 && KRule.fixed(4).sampleSize == 1000)
    }

    @Test func gridPicksAHandfulOnAFewDozenPoints() {
        let data = SyntheticBlobs.make(blobs: 4, perBlob: 9)
        let outcome = Self.cluster(data.points, rule: .grid(sampleSize: 3000))
        #expect(outcome.metrics.k == 4)
        #expect(outcome.kRule == "grid")
    }

    @Test("many well-separated centres: the grid finds k near the truth, hundreds when there are hundreds")
    func gridFindsHundredsOfCentres() {
        let data = SyntheticBlobs.sphere(centres: 200, perCentre: 12, dimension: 48, noise: 0.25, seed: 3)
        let outcome = Self.cluster(data.points, rule: .grid(sampleSize: 3000))
        #expect((180...220).contains(outcome.metrics.k))
        let small = SyntheticBlobs.sphere(centres: 30, perCentre: 20, dimension: 48, noise: 0.25, seed: 4)
        #expect((25...35).contains(Self.cluster(small.points, rule: .grid(sampleSize: 3000)).metrics.k))
    }

    @Test func gridFitsCandidatesOnTheSampleAndTheChosenKOnAllPoints() {
        // A fit sample of 4 × 200 points out of 1,200; the chosen k still places every point.
        let data = SyntheticBlobs.sphere(centres: 10, perCentre: 120, dimension: 32, noise: 0.2, seed: 5)
        let outcome = Self.cluster(data.points, rule: .grid(sampleSize: 200))
        #expect(outcome.metrics.k == 10)
        #expect(outcome.assignments.count == data.points.count)
        let found = Dictionary(uniqueKeysWithValues: outcome.assignments.map { ($0.conversationID, $0.stableID) })
        let predicted = data.points.indices.map { found[.string("conv-\($0)")] ?? "" }
        let accuracy = ExternalClusteringMetrics.adjustedRandIndex(gold: data.blobs, predicted: predicted) ?? 0
        #expect(accuracy > 0.95)
    }

    /// Runs the engine with `rule` on `points` (ids "conv-<index>").
    private static func cluster(_ points: [[Float]], rule: KRule) -> ClusteringOutcome {
        let conversations = points.enumerated().map { index, point in
            ConversationInput(id: .string("conv-\(index)"), embeddings: [point], concepts: [])
        }
        // One k-means++ start per k keeps the debug build's hundreds of clusters quick.
        let engine = ClusteringEngine(configuration: ClusteringConfiguration(kRule: rule, initializations: 1))
        return engine.run(runID: .string("run"), conversations: conversations, previous: []) { _ in }
    }
}
