import Testing

@testable import ClusterdClustering
@testable import ClusterdCore

/// The C kernels of k-means: the vectorised paths against the portable loops and against plain formulas, and the
/// in-place sample of a fit on a sample.
@Suite struct ClusterKernelsTests {
    /// `count` × `dimension` values in [-1, 1), seeded.
    static func values(count: Int, dimension: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<(count * dimension)).map { _ in Float(generator.nextUnitDouble() * 2 - 1) }
    }

    /// The squared distance of two rows, in double precision.
    static func squaredDistance(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
        zip(a, b).reduce(0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
    }

    /// Candidate distances and potentials of one call, on the vectorised or the portable path.
    static func candidates(
        _ points: PointMatrix,
        rows: [Int],
        closest: [Double],
        portable: Bool
    ) -> (distances: [Double], potentials: [Double]) {
        var distances = [Double](repeating: -1, count: rows.count * points.count)
        var potentials = [Double](repeating: -1, count: rows.count)
        let candidates = rows.flatMap { points.row($0) }
        points.values.withUnsafeBufferPointer { values in
            ClusterKernels.candidateDistances(
                points: values.baseAddress!,
                pointNorms: points.squaredNorms,
                count: points.count,
                dimension: points.dimension,
                candidates: candidates,
                candidateNorms: rows.map { points.squaredNorms[$0] },
                candidateRows: rows,
                closest: closest,
                distances: &distances,
                potentials: &potentials,
                portable: portable
            )
        }
        return (distances, potentials)
    }

    @Test(arguments: [
        // 9 candidates: a full tile of 6 and a partial one; an odd row count and a dimension that is not a multiple
        // of 8 exercise every edge of the tiles.
        (301, 37, [0, 17, 17, 120, 299, 300, 5, 64, 250]),
        // Past `parallelRows`: two halves, with candidates drawn from both.
        (ClusterKernels.parallelRows + 7, 12, [3, 2_100, 2_052, 2_053, 4_102, 4_000, 1]),
    ])
    func candidateDistancesMatchThePlainFormulaOnBothPaths(count: Int, dimension: Int, rows: [Int]) {
        let points = PointMatrix(rows: Self.values(count: count, dimension: dimension, seed: 1), dimension: dimension)
        var generator = SeededGenerator(seed: 2)
        let closest = (0..<points.count).map { _ in generator.nextUnitDouble() * 3 }
        let fast = Self.candidates(points, rows: rows, closest: closest, portable: false)
        let portable = Self.candidates(points, rows: rows, closest: closest, portable: true)
        for (position, candidate) in rows.enumerated() {
            var potential: Double = 0
            for point in 0..<points.count {
                let expected =
                    point == candidate
                    ? 0
                    : Self.squaredDistance(
                        points.values[(point * dimension)..<((point + 1) * dimension)],
                        points.values[(candidate * dimension)..<((candidate + 1) * dimension)]
                    )
                let index = position * points.count + point
                #expect(abs(fast.distances[index] - expected) < 1e-5)
                #expect(abs(portable.distances[index] - expected) < 1e-5)
                potential += min(closest[point], expected)
            }
            #expect(fast.distances[position * points.count + candidate] == 0)
            #expect(abs(fast.potentials[position] - potential) < 1e-4)
            #expect(abs(portable.potentials[position] - potential) < 1e-4)
        }
    }

    @Test func nearestScanIsTheSameOnBothPathsWithTiesToTheLowerIndex() {
        let rows = 50
        for columns in [1, 7, 8, 13, 100] {
            var products = Self.values(count: rows, dimension: columns, seed: UInt64(columns))
            var norms = Self.values(count: 1, dimension: columns, seed: UInt64(columns) + 100).map { $0 + 1 }
            if columns > 10 {
                // Row 3: columns 2, 9 and 10 tie for the lowest value (2 and 10 in the same vector lane).
                for column in 0..<columns { products[3 * columns + column] = 0 }
                for column in [2, 9, 10] { norms[column] = -5 }
            }
            let pointNorms = (0..<rows).map { Double($0) / 10 }
            let scan = { (portable: Bool) -> (nearest: [Int], squared: [Double]) in
                var nearest = [Int](repeating: -1, count: rows)
                var squared = [Double](repeating: -1, count: rows)
                ClusterKernels.nearest(
                    products: products,
                    rows: rows,
                    columns: columns,
                    centroidNorms: norms,
                    pointNorms: pointNorms,
                    nearest: &nearest,
                    squared: &squared,
                    portable: portable
                )
                return (nearest, squared)
            }
            let fast = scan(false)
            let portable = scan(true)
            #expect(fast.nearest == portable.nearest)
            #expect(fast.squared == portable.squared)
            for row in 0..<rows {
                let values = (0..<columns).map { norms[$0] - 2 * products[row * columns + $0] }
                let lowest = values.min()!
                #expect(fast.nearest[row] == values.firstIndex(of: lowest)!)
                #expect(fast.squared[row] == max(0, pointNorms[row] + Double(lowest)))
            }
            if columns > 10 { #expect(fast.nearest[3] == 2) }
        }
    }

    @Test func rowsAreNormalisedInPlaceWithTheirNorms() {
        let dimension = 19
        var values = Self.values(count: 40, dimension: dimension, seed: 4)
        for index in (5 * dimension)..<(6 * dimension) { values[index] = 0 }
        for portable in [false, true] {
            var rows = values
            var norms = [Double](repeating: -1, count: 40)
            ClusterKernels.normalizeRows(
                &rows,
                count: 40,
                dimension: dimension,
                squaredNorms: &norms,
                portable: portable
            )
            for row in 0..<40 {
                let slice = rows[(row * dimension)..<((row + 1) * dimension)]
                let squared = slice.reduce(0) { $0 + Double($1) * Double($1) }
                #expect(abs(norms[row] - squared) < 1e-5)
                if row == 5 {
                    #expect(slice.allSatisfy { $0 == 0 } && norms[row] == 0)
                } else {
                    #expect(abs(squared - 1) < 1e-5)
                    // The same direction: each coordinate is the original over its norm.
                    let original = values[(row * dimension)..<((row + 1) * dimension)]
                    let length = original.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
                    for (scaled, raw) in zip(slice, original) {
                        #expect(abs(Double(scaled) - Double(raw) / length) < 1e-6)
                    }
                }
            }
        }
    }

    @Test func assignedDotsPairEachRowWithItsCentroid() {
        let dimension = 45
        let points = Self.values(count: 30, dimension: dimension, seed: 5)
        let centroids = Self.values(count: 4, dimension: dimension, seed: 6)
        let assignments = (0..<30).map { ($0 * 7) % 4 }
        for portable in [false, true] {
            var dots = [Float](repeating: .nan, count: 30)
            ClusterKernels.assignedDots(
                points: points,
                count: 30,
                dimension: dimension,
                centroids: centroids,
                assignments: assignments,
                into: &dots,
                portable: portable
            )
            for row in 0..<30 {
                let cluster = assignments[row]
                let expected = (0..<dimension).reduce(0.0) {
                    $0 + Double(points[row * dimension + $1]) * Double(centroids[cluster * dimension + $1])
                }
                #expect(abs(Double(dots[row]) - expected) < 1e-5)
            }
        }
    }

    @Test func theSampleMovesToTheFrontInPlaceAndMapsBack() {
        let dimension = 6
        let original = PointMatrix(rows: Self.values(count: 500, dimension: dimension, seed: 8), dimension: dimension)
        var moved = original
        let order = moved.moveRandomSampleToFront(size: 120, seed: 9)
        // The front holds the rows `sampleIndices` draws with the same seed.
        #expect(Array(order.prefix(120)).sorted() == Silhouette.sampleIndices(count: 500, sampleSize: 120, seed: 9))
        #expect(order.sorted() == Array(0..<500))
        for (row, source) in order.enumerated() {
            #expect(moved.row(row) == original.row(source))
            #expect(moved.squaredNorms[row] == original.squaredNorms[source])
        }
        let prefix = moved.prefix(120)
        #expect(prefix.count == 120 && prefix.row(119) == moved.row(119))
    }
}
