import Testing

@testable import ClusterdClustering
@testable import ClusterdCore

@Suite struct PartitionAgreementTests {
    @Test func adjustedRandIndexAgreesWithKnownValues() throws {
        // The same partition under other names.
        #expect(PartitionAgreement.adjustedRandIndex([0, 0, 1, 1, 2], ["b", "b", "a", "a", "c"]) == 1)
        // scikit-learn's documented examples.
        let split = try #require(PartitionAgreement.adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2]))
        #expect(abs(split - 0.571_428_571_428_571_5) < 1e-12)
        let crossed = try #require(PartitionAgreement.adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1]))
        #expect(abs(crossed + 0.5) < 1e-12)
        // Both one cluster, both all singletons: identical partitions.
        #expect(PartitionAgreement.adjustedRandIndex([1, 1, 1], [7, 7, 7]) == 1)
        #expect(PartitionAgreement.adjustedRandIndex([1, 2, 3], [4, 5, 6]) == 1)
        // One cluster against a split: no better than chance.
        #expect(PartitionAgreement.adjustedRandIndex([0, 0, 0, 0], [0, 0, 1, 1]) == 0)
        #expect(PartitionAgreement.adjustedRandIndex([0], [1]) == nil)
        #expect(PartitionAgreement.adjustedRandIndex([Int](), [Int]()) == nil)
    }

    @Test func churnIsTheShareOfChangedLabels() {
        #expect(PartitionAgreement.churn(["a", "a", "b", "b"], ["a", "c", "b", "b"]) == 0.25)
        #expect(PartitionAgreement.churn(["a"], ["a"]) == 0)
        #expect(PartitionAgreement.churn([String](), []) == nil)
    }
}
