import Foundation
import Testing

@testable import ClusterdClustering
@testable import ClusterdCore

@Suite struct ExternalClusteringMetricsTests {
    private func close(_ value: Double?, _ expected: Double, tolerance: Double = 1e-9) -> Bool {
        guard let value else { return false }
        return abs(value - expected) <= tolerance
    }

    @Test func identicalPartitionsUnderRenamingScorePerfect() {
        let gold = ["a", "a", "b", "b", "c", "c"]
        let predicted = [7, 7, 3, 3, 9, 9]
        #expect(close(ExternalClusteringMetrics.accuracy(gold: gold, predicted: predicted), 1))
        #expect(close(ExternalClusteringMetrics.normalizedMutualInformation(gold: gold, predicted: predicted), 1))
        #expect(close(ExternalClusteringMetrics.adjustedRandIndex(gold: gold, predicted: predicted), 1))
    }

    /// gold [0,0,0,1,1,1], predicted [0,0,1,1,2,2]: contingency rows (2,1,0) and (0,1,2).
    /// ACC: best matching 0→0, 1→2 covers 2 + 2 = 4 of 6. MI = (4 · 1/3 · ln 2 + 2 · 1/6 · ln 1) = (2/3) ln 2;
    /// H(gold) = ln 2, H(predicted) = ln 3; NMI = (2/3) ln 2 / ((ln 2 + ln 3) / 2) ≈ 0.5158.
    @Test func handComputedSmallCase() {
        let gold = [0, 0, 0, 1, 1, 1]
        let predicted = [0, 0, 1, 1, 2, 2]
        #expect(close(ExternalClusteringMetrics.accuracy(gold: gold, predicted: predicted), 4.0 / 6.0))
        let expected = (2.0 / 3.0) * log(2.0) / ((log(2.0) + log(3.0)) / 2)
        #expect(
            close(ExternalClusteringMetrics.normalizedMutualInformation(gold: gold, predicted: predicted), expected)
        )
        #expect(close(expected, 0.5158037429793889, tolerance: 1e-12))
    }

    /// ACC must use the one-to-one matching, not the majority label of each cluster: with one cluster holding
    /// everything, only the largest label can be matched.
    @Test func accuracyIsOneToOne() {
        let gold = ["x", "x", "x", "y", "y", "z"]
        let predicted = [1, 1, 1, 1, 1, 1]
        #expect(close(ExternalClusteringMetrics.accuracy(gold: gold, predicted: predicted), 0.5))
        // Every item alone: three of six can be matched (one per gold label).
        #expect(close(ExternalClusteringMetrics.accuracy(gold: gold, predicted: Array(0..<6)), 0.5))
        // Two clusters [x x x y | y z]: best matching x→0 (3), y→1 (1) or z→1 (1) = 4 of 6.
        #expect(close(ExternalClusteringMetrics.accuracy(gold: gold, predicted: [0, 0, 0, 0, 1, 1]), 4.0 / 6.0))
    }

    @Test func independentPartitionsHaveZeroMutualInformation() {
        // Every gold label is split evenly over both clusters: MI = 0, so NMI = 0 (sklearn returns 0.0 too).
        let gold = [0, 0, 1, 1]
        let predicted = [0, 1, 0, 1]
        #expect(close(ExternalClusteringMetrics.normalizedMutualInformation(gold: gold, predicted: predicted), 0))
        #expect(close(ExternalClusteringMetrics.accuracy(gold: gold, predicted: predicted), 0.5))
    }

    @Test func degenerateInputs() {
        #expect(ExternalClusteringMetrics.accuracy(gold: [Int](), predicted: [Int]()) == nil)
        #expect(ExternalClusteringMetrics.normalizedMutualInformation(gold: [Int](), predicted: [Int]()) == nil)
        // Both one cluster: sklearn defines NMI = 1.
        #expect(
            close(ExternalClusteringMetrics.normalizedMutualInformation(gold: [1, 1, 1], predicted: [5, 5, 5]), 1)
        )
        // One cluster against three labels: no information.
        #expect(
            close(ExternalClusteringMetrics.normalizedMutualInformation(gold: [1, 2, 3], predicted: [5, 5, 5]), 0)
        )
    }
}
