import Foundation
import Testing

@testable import ClusterdClustering
@testable import ClusterdCore

@Suite struct KRuleTests {
    @Test func describesItself() {
        #expect(KRule.fixed(8).description == "fixed:8")
        #expect(KRule.silhouette(range: 2...12, sampleSize: 1000).description == "silhouette:2-12")
        #expect(KRule.grid(sampleSize: 3000).description == "grid")
    }

    @Test("among the contenders the highest information criterion wins; without contenders the best silhouette")
    func prefersTheBestCriterionAmongContenders() {
        let data = SyntheticBlobs.sphere(centres: 6, perCentre: 30, dimension: 24, noise: 0.3, seed: 11)
        let fits = [3, 6, 12].map { KMeans(k: $0, seed: 1).fit(data.points) }
        let criteria = fits.map { $0.informationCriterion(dimension: 24) }
        let known = criteria.map { $0 ?? -.infinity }
        // The criterion peaks at the true 6: fewer clusters fit worse, more pay for centres they do not need.
        #expect(known[1] > known[0] && known[1] > known[2])
        // Silhouettes that rise with k do not move the choice among contenders.
        let scores: [Double?] = [0.2, 0.3, 0.4]
        #expect(ClusteringEngine.preferred(scores, criteria: criteria, contenders: [0, 1, 2]) == 1)
        #expect(
            ClusteringEngine.preferred(scores, criteria: criteria, contenders: [0, 2]) == (known[0] > known[2] ? 0 : 2)
        )
        // No contenders: the best silhouette; no scores at all: the first candidate.
        #expect(ClusteringEngine.preferred(scores, criteria: criteria, contenders: []) == 2)
        #expect(ClusteringEngine.preferred([nil, nil, nil], criteria: criteria, contenders: []) == 0)
    }

    @Test func contendersGetMoreStartsOnSmallerFitSamples() {
        #expect(ClusteringEngine.contenderStarts(points: 836) == 30)
        #expect(ClusteringEngine.contenderStarts(points: 4500) == 30)
        #expect(ClusteringEngine.contenderStarts(points: 12_000) == 12)
        #expect(ClusteringEngine.contenderStarts(points: 100_000) == 10)
    }

    @Test("the criterion read from cosine distances equals X-means' BIC computed from the points about their means")
    func informationCriterionMatchesTheDirectFormula() throws {
        let dimension = 8
        let data = SyntheticBlobs.make(blobs: 3, perBlob: 10, dimension: dimension, noise: 0.3, seed: 2)
        let fit = KMeans(k: 3, seed: 1).fit(data.points)
        var spread = 0.0
        var sizeTerm = 0.0
        for cluster in 0..<3 {
            let members = data.points.indices.filter { fit.assignments[$0] == cluster }.map { data.points[$0] }
            let count = Double(members.count)
            let mean = (0..<dimension).map { index in members.reduce(0.0) { $0 + Double($1[index]) } / count }
            for point in members {
                spread += zip(point, mean).reduce(0.0) { $0 + (Double($1.0) - $1.1) * (Double($1.0) - $1.1) }
            }
            sizeTerm += count * log(count)
        }
        let n = Double(data.points.count)
        let d = Double(dimension)
        let variance = spread / (d * (n - 3))
        let logLikelihood = sizeTerm - n * log(n) - n * d / 2 * log(2 * Double.pi * variance) - d * (n - 3) / 2
        let direct = logLikelihood - 3 * (d + 1) / 2 * log(n)
        let criterion = try #require(fit.informationCriterion(dimension: dimension))
        #expect(abs(criterion - direct) < 1e-4 * abs(direct))
        // Undefined: fewer than two points a cluster, or no spread at all.
        #expect(KMeans(k: 20, seed: 1).fit(data.points).informationCriterion(dimension: dimension) == nil)
        let same = [[Float]](repeating: data.points[0], count: 10)
        #expect(KMeans(k: 2, seed: 1).fit(same).informationCriterion(dimension: dimension) == nil)
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
