import Testing

@testable import ClusterdClustering
@testable import ClusterdCore

/// The blocked GEMM assignment, the flat-rows fit, sampled seeding, warm starts and the streaming assigner.
@Suite struct KMeansScaleTests {
    /// Unit vectors around `centres` random unit centres in `dimension` dimensions (Gaussian-ish noise), shuffled
    /// labels; row-major.
    static func centres(
        count: Int,
        centres: Int,
        dimension: Int,
        noise: Float,
        seed: UInt64
    ) -> (rows: [Float], labels: [Int]) {
        var generator = SeededGenerator(seed: seed)
        let truth = (0..<centres).map { _ in
            VectorMath.normalized((0..<dimension).map { _ in Float(generator.nextUnitDouble() * 2 - 1) })
        }
        var rows: [Float] = []
        var labels: [Int] = []
        for _ in 0..<count {
            let label = generator.nextIndex(below: centres)
            let point = truth[label].map { $0 + Float(generator.nextUnitDouble() * 2 - 1) * noise }
            rows += VectorMath.normalized(point)
            labels.append(label)
        }
        return (rows, labels)
    }

    @Test func recoversKnownCentres() throws {
        let data = Self.centres(count: 3_000, centres: 12, dimension: 32, noise: 0.1, seed: 3)
        let fit = KMeans(k: 12, initializations: 2).fit(rows: data.rows, dimension: 32)
        let ari = try #require(PartitionAgreement.adjustedRandIndex(data.labels, fit.assignments))
        #expect(ari > 0.98)
        #expect(fit.assignments.count == 3_000)
    }

    @Test func sampledSeedingStillRecoversCentres() throws {
        let count = KMeans.seedingSampleLimit + 5_000
        let data = Self.centres(count: count, centres: 8, dimension: 16, noise: 0.1, seed: 5)
        let fit = KMeans(k: 8, initializations: 1).fit(rows: data.rows, dimension: 16)
        let ari = try #require(PartitionAgreement.adjustedRandIndex(data.labels, fit.assignments))
        #expect(ari > 0.98)
    }

    @Test func fittingOnATrainingSampleAssignsEveryPointAndRecoversCentres() throws {
        let data = Self.centres(count: 6_000, centres: 10, dimension: 24, noise: 0.1, seed: 7)
        let full = KMeans(k: 10, initializations: 1).fit(rows: data.rows, dimension: 24)
        let sampled = KMeans(k: 10, initializations: 1, trainingPointsPerCentroid: 40).fit(
            rows: data.rows,
            dimension: 24
        )
        #expect(sampled.assignments.count == 6_000 && sampled.distances.count == 6_000)
        let ari = try #require(PartitionAgreement.adjustedRandIndex(data.labels, sampled.assignments))
        #expect(ari > 0.98)
        // Trained on 400 of 6,000 points, it ends near the full fit's objective (every point assigned once more).
        #expect(sampled.inertia <= full.inertia * 1.02)
        // The same seed and points give the same fit.
        let again = KMeans(k: 10, initializations: 1, trainingPointsPerCentroid: 40).fit(rows: data.rows, dimension: 24)
        #expect(again == sampled)
    }

    @Test func blockedProductAgreesWithPlainDistances() {
        // Enough centroids that the scratch holds fewer rows than there are points: several sgemm blocks.
        let clusterCount = 700
        let dimension = 24
        let data = Self.centres(count: 4_000, centres: 50, dimension: dimension, noise: 0.5, seed: 11)
        let centres = Self.centres(count: clusterCount, centres: 50, dimension: dimension, noise: 0.8, seed: 12).rows
        #expect(NearestCentroid.blockRows(clusterCount: clusterCount) < 4_000)
        let points = PointMatrix(rows: data.rows, dimension: dimension)
        var assignments = [Int](repeating: -1, count: points.count)
        var squared = [Double](repeating: -1, count: points.count)
        NearestCentroid.assign(
            points,
            centroids: centres,
            clusterCount: clusterCount,
            to: &assignments,
            squared: &squared
        )
        var disagreements = 0
        for point in 0..<points.count {
            var plain = [Double](repeating: 0, count: clusterCount)
            for cluster in 0..<clusterCount {
                var sum: Double = 0
                for index in 0..<dimension {
                    let delta =
                        Double(points.values[point * dimension + index]) - Double(centres[cluster * dimension + index])
                    sum += delta * delta
                }
                plain[cluster] = sum
            }
            let best = plain.min()!
            #expect(abs(squared[point] - best) < 1e-4)
            // The chosen centroid is the plain nearest, or within float rounding of it.
            if plain[assignments[point]] - best > 1e-5 { disagreements += 1 }
        }
        #expect(disagreements == 0)
    }

    @Test func warmStartFromPreviousCentroidsContinuesThePartition() {
        let data = Self.centres(count: 2_000, centres: 10, dimension: 32, noise: 0.3, seed: 21)
        let first = KMeans(k: 10, seed: 1).fit(rows: data.rows, dimension: 32)
        // Another seed alone may land elsewhere; started from the first fit's centroids it continues it.
        let again = KMeans(k: 10, seed: 99).fit(rows: data.rows, dimension: 32, warmStart: first.centroids)
        #expect(SyntheticBlobs.samePartition(again.assignments, first.assignments))
        #expect(again.inertia <= first.inertia * 1.0001)
    }

    @Test func assignerMatchesTheFitsOwnAssignments() {
        let data = Self.centres(count: 1_500, centres: 6, dimension: 20, noise: 0.3, seed: 31)
        let fit = KMeans(k: 6).fit(rows: data.rows, dimension: 20)
        let nearest = CentroidAssigner(centroids: fit.centroids).nearest(rows: data.rows)
        #expect(nearest.clusters == fit.assignments)
        for (streamed, fitted) in zip(nearest.distances, fit.distances) { #expect(abs(streamed - fitted) < 1e-5) }
    }

    @Test func flatRowsFitEqualsArrayOfRowsFit() {
        let data = Self.centres(count: 600, centres: 5, dimension: 12, noise: 0.4, seed: 41)
        let rows = stride(from: 0, to: data.rows.count, by: 12).map { Array(data.rows[$0..<($0 + 12)]) }
        let flat = KMeans(k: 5).fit(rows: data.rows, dimension: 12)
        let nested = KMeans(k: 5).fit(rows)
        #expect(flat.assignments == nested.assignments)
        #expect(abs(flat.inertia - nested.inertia) < 1e-3)
    }
}
