import ClusterdEmbedding
import Testing

@testable import ClusterdClustering
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

    @Test("Lloyd moves centres to plain means; the result's unit centroids assign every point by cosine")
    func overlappingTopicsAreAssignedToTheirNearestUnitCentroid() {
        // Tight and diffuse topics side by side: a diffuse one's plain mean is shorter than a tight one's.
        let tight = SyntheticBlobs.sphere(centres: 5, perCentre: 40, dimension: 6, noise: 0.2, seed: 8)
        let diffuse = SyntheticBlobs.sphere(centres: 5, perCentre: 40, dimension: 6, noise: 1.2, seed: 9)
        let overlapping = (points: tight.points + diffuse.points, blobs: tight.blobs + diffuse.blobs.map { $0 + 5 })
        let result = KMeans(k: 10, seed: 3).fit(overlapping.points)
        #expect(result.iterations > 1)
        for centroid in result.centroids {
            #expect(abs(VectorMath.dot(centroid, centroid) - 1) < 1e-5)
        }
        for (point, vector) in overlapping.points.enumerated() {
            let cosines = result.centroids.map { VectorMath.dot(vector, $0) }
            let nearest = cosines.indices.max { cosines[$0] < cosines[$1] }!
            #expect(cosines[result.assignments[point]] >= cosines[nearest] - 1e-6)
            #expect(abs(result.distances[point] - Double(1 - cosines[result.assignments[point]])) < 1e-5)
        }
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

    @Test func warmStartFromAFitsOwnCentroidsReproducesIt() {
        let noisy = NoisyTopics().conversations(count: 300).conversations.map { $0.vector(dimension: 48) }
        let cold = KMeans(k: 5, seed: 42).fit(noisy)
        let warm = KMeans(k: 5, seed: 42).fit(noisy, warmStart: cold.centroids)
        #expect(warm.assignments == cold.assignments)
        // Rows of another length are ignored: the same as no warm start.
        #expect(KMeans(k: 5, seed: 42).fit(noisy, warmStart: [[1, 0, 0]]) == cold)
    }

    @Test func warmStartWithFewerCentresIsCompletedByKMeansPlusPlus() {
        let warm = KMeans(k: 3, seed: 42).fit(data.points, warmStart: [data.points[0]])
        #expect(SyntheticBlobs.samePartition(warm.assignments, data.blobs))
        #expect(warm.centroids.count == 3)
    }

    @Test func aClearlyWorseWarmStartLosesToTheKMeansPlusPlusStarts() {
        // Three centres inside one blob: Lloyd from there cannot separate the blobs as well as k-means++.
        let inOneBlob = Array(data.points.prefix(3))
        let strict = KMeans(k: 3, seed: 42, warmStartTolerance: 0).fit(data.points, warmStart: inOneBlob)
        #expect(SyntheticBlobs.samePartition(strict.assignments, data.blobs))
        let cold = KMeans(k: 3, seed: 42).fit(data.points)
        #expect(strict.inertia <= cold.inertia * 1.01)
    }

    @Test func aNearlyAsGoodWarmStartIsKeptOverADifferentOptimum() {
        // k = 2 on three blobs: several partitions are about as good; the warm one (blob 0 alone) is kept within the
        // tolerance even when a k-means++ start finds another.
        let blob0 = VectorMath.normalized(
            data.points.prefix(20).reduce([Float](repeating: 0, count: 16)) { sum, point in
                zip(sum, point).map { $0 + $1 }
            }
        )
        let rest = VectorMath.normalized(
            data.points.dropFirst(20).reduce([Float](repeating: 0, count: 16)) { sum, point in
                zip(sum, point).map { $0 + $1 }
            }
        )
        for seed in [UInt64(1), 2, 3, 42] {
            let warm = KMeans(k: 2, seed: seed, warmStartTolerance: 0.2).fit(data.points, warmStart: [blob0, rest])
            #expect(Set(warm.assignments.prefix(20)).count == 1)
            #expect(Set(warm.assignments.dropFirst(20)).count == 1)
            #expect(warm.assignments[0] != warm.assignments[20])
        }
    }

    @Test func extraStartsCompeteOnInertia() {
        // On this corpus three k-means++ starts miss the better k = 4 optimum that twenty find.
        let noisy = NoisyTopics(seed: 20).conversations(count: 400).conversations
            .sorted { $0.id < $1.id }.map { $0.vector(dimension: 48) }
        let cold = KMeans(k: 4, seed: 42).fit(noisy)
        let thorough = KMeans(k: 4, seed: 42, initializations: 20).fit(noisy)
        #expect(thorough.inertia < cold.inertia * 0.99)
        let helped = KMeans(k: 4, seed: 42).fit(noisy, warmStart: [], extraStarts: [thorough.centroids])
        #expect(helped.inertia <= thorough.inertia + 1e-6)
        // A poor extra start (every centre in one blob) does not win.
        let blobs = KMeans(k: 3, seed: 42)
        #expect(
            blobs.fit(data.points, warmStart: [], extraStarts: [Array(data.points.prefix(3))]) == blobs.fit(data.points)
        )
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
        #expect(large.points.count * 3 * 64 >= MatrixProduct.blasThreshold)
        let result = KMeans(k: 3).fit(large.points)
        #expect(SyntheticBlobs.samePartition(result.assignments, large.blobs))
    }

    @Test func gramMatchesPlainDotProducts() {
        let large = SyntheticBlobs.make(perBlob: 200, dimension: 64)
        let flat = large.points.flatMap { $0 }
        let gram = MatrixProduct.gram(
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
