import Testing

@testable import ClusterdCore

@Suite struct KMeansTests {
    let data = SyntheticBlobs.make()

    @Test func separatesThreeWellSeparatedBlobsExactly() {
        let result = KMeans(k: 3, seed: 42).fit(data.points)
        #expect(SyntheticBlobs.samePartition(result.assignments, data.blobs))
        #expect(result.sizes == [20, 20, 20])
        for centroid in result.centroids {
            #expect(abs(VectorMath.dot(centroid, centroid) - 1) < 1e-5)
        }
        #expect(result.distances.allSatisfy { $0 >= -1e-6 && $0 < 0.2 })
        #expect(result.inertia > 0)
    }

    @Test(arguments: [UInt64(1), 42, 1234])
    func sameSeedGivesAnIdenticalResult(seed: UInt64) {
        let first = KMeans(k: 3, seed: seed).fit(data.points)
        let second = KMeans(k: 3, seed: seed).fit(data.points)
        #expect(first == second)
        #expect(SyntheticBlobs.samePartition(first.assignments, data.blobs))
    }

    @Test func inputOrderDoesNotChangeThePartition() {
        var generator = SeededGenerator(seed: 99)
        let order = Array(data.points.indices).shuffled(using: &generator)
        let shuffled = KMeans(k: 3, seed: 42).fit(order.map { data.points[$0] })
        var restored = [Int](repeating: -1, count: order.count)
        for (position, original) in order.enumerated() { restored[original] = shuffled.assignments[position] }
        #expect(SyntheticBlobs.samePartition(restored, data.blobs))
    }

    @Test func emptyClustersAreRepairedFromTheFarthestPoint() {
        // Five identical points and one outlier: k = 3 cannot be satisfied by distinct centres, yet no cluster is empty.
        let points: [[Float]] = Array(repeating: [1, 0], count: 5) + [[0, 1]]
        let result = KMeans(k: 3, maxIterations: 5).fit(points)
        #expect(result.sizes.allSatisfy { $0 > 0 })
        #expect(result.sizes.reduce(0, +) == 6)
    }

    @Test func smallAndDegenerateInputs() {
        #expect(KMeans(k: 3).fit([]).assignments.isEmpty)
        let single = KMeans(k: 3).fit([[3, 4]])
        #expect(single.assignments == [0])
        #expect(single.centroids == [[0.6, 0.8]])
        #expect(KMeans(k: 5).fit([[1, 0], [0, 1]]).centroids.count == 2)
    }

    @Test func largeInputsUseTheBLASPathWithTheSameOutcome() {
        let large = SyntheticBlobs.make(perBlob: 120, dimension: 64)
        #expect(large.points.count * 3 * 64 >= VectorMath.blasThreshold)
        let result = KMeans(k: 3).fit(large.points)
        #expect(SyntheticBlobs.samePartition(result.assignments, large.blobs))
    }

    @Test func gramMatchesPlainDotProducts() {
        let large = SyntheticBlobs.make(perBlob: 200, dimension: 64)
        let flat = large.points.flatMap { $0 }
        let gram = VectorMath.gram(
            rows: flat,
            rowCount: large.points.count,
            columns: flat,
            columnCount: large.points.count,
            dimension: 64
        )
        for (row, column) in [(0, 0), (3, 500), (599, 17)] {
            let expected = VectorMath.dot(large.points[row], large.points[column])
            #expect(abs(Double(gram[row * 600 + column]) - expected) < 1e-5)
        }
    }
}
