import ClusterdCore
import ClusterdEmbedding

/// Unit-normalised points in one row-major buffer.
struct PointMatrix {
    let count: Int
    let dimension: Int
    /// The rows, row-major; may hold more rows than `count` (a `prefix` shares its matrix's buffer).
    private(set) var values: [Float]
    private(set) var squaredNorms: [Double]

    /// Normalises `points` (rows shorter than the longest are zero-padded).
    init(_ points: [[Float]]) {
        let dimension = points.map(\.count).max() ?? 0
        var values: [Float] = []
        values.reserveCapacity(points.count * dimension)
        for point in points {
            values += VectorMath.normalized(point)
            values += [Float](repeating: 0, count: dimension - point.count)
        }
        self.init(normalized: values, dimension: dimension, count: points.count)
    }

    /// Normalises the rows of `rows` (`dimension` floats each, row-major; a trailing partial row is dropped), in
    /// place when the caller hands its only reference over (no copy of a large input), in one pass that also takes
    /// their squared norms.
    init(rows: consuming [Float], dimension: Int) {
        let count = dimension > 0 ? rows.count / dimension : 0
        var values = rows
        if values.count > count * dimension { values.removeLast(values.count - count * dimension) }
        var norms = [Double](repeating: 0, count: count)
        if count > 0 {
            values.withUnsafeMutableBufferPointer { buffer in
                norms.withUnsafeMutableBufferPointer { squared in
                    ClusterKernels.normalizeRows(
                        buffer.baseAddress!,
                        count: count,
                        dimension: dimension,
                        squaredNorms: squared.baseAddress!
                    )
                }
            }
        }
        self.init(values: values, dimension: dimension, count: count, squaredNorms: norms)
    }

    /// Wraps rows that are already normalised (`count` of them; by default as many as `values` holds).
    init(normalized values: [Float], dimension: Int, count: Int? = nil) {
        let count = count ?? (dimension > 0 ? values.count / dimension : 0)
        self.init(
            values: values,
            dimension: dimension,
            count: count,
            squaredNorms: Self.squaredNorms(values, count: count, dimension: dimension)
        )
    }

    private init(values: [Float], dimension: Int, count: Int, squaredNorms: [Double]) {
        self.dimension = dimension
        self.count = count
        self.values = values
        self.squaredNorms = squaredNorms
    }

    func row(_ index: Int) -> [Float] {
        Array(values[(index * dimension)..<((index + 1) * dimension)])
    }

    /// The points at `indices`, in that order (their norms carried over, not recomputed).
    func subset(_ indices: [Int]) -> PointMatrix {
        let total = indices.count * dimension
        let picked = [Float](unsafeUninitializedCapacity: total) { target, initialized in
            if total > 0 {
                values.withUnsafeBufferPointer { source in
                    for (position, index) in indices.enumerated() {
                        (target.baseAddress! + position * dimension)
                            .initialize(from: source.baseAddress! + index * dimension, count: dimension)
                    }
                }
            }
            initialized = total
        }
        return PointMatrix(
            values: picked,
            dimension: dimension,
            count: indices.count,
            squaredNorms: indices.map { squaredNorms[$0] }
        )
    }

    /// The first `size` rows, sharing this matrix's buffer (no copy).
    func prefix(_ size: Int) -> PointMatrix {
        let size = min(max(0, size), count)
        return PointMatrix(
            values: values,
            dimension: dimension,
            count: size,
            squaredNorms: Array(squaredNorms[..<size])
        )
    }

    /// Moves a seeded random sample of `size` rows to the front, in place (a partial Fisher–Yates shuffle of the
    /// rows, the draws of `Silhouette.sampleIndices`), so that `prefix(size)` is that sample without copying it.
    /// Returns the original index of every row in its new place. In place only when this matrix holds the only
    /// reference to its rows (else the first swap copies them).
    mutating func moveRandomSampleToFront(size: Int, seed: UInt64) -> [Int] {
        var order = Array(0..<count)
        let size = min(max(0, size), count)
        guard size > 0, dimension > 0 else { return order }
        var generator = Silhouette.sampleGenerator(seed: seed)
        let dimension = dimension
        let spare = UnsafeMutablePointer<Float>.allocate(capacity: dimension)
        defer { spare.deallocate() }
        values.withUnsafeMutableBufferPointer { buffer in
            for position in 0..<size {
                let pick = position + generator.nextIndex(below: count - position)
                guard pick != position else { continue }
                order.swapAt(position, pick)
                squaredNorms.swapAt(position, pick)
                let first = buffer.baseAddress! + position * dimension
                let second = buffer.baseAddress! + pick * dimension
                spare.update(from: first, count: dimension)
                first.update(from: second, count: dimension)
                second.update(from: spare, count: dimension)
            }
        }
        return order
    }

    /// The squared Euclidean distances from every point to each of the points at `rows` (candidate-major:
    /// `rows.count` × `count`; 0 from a point to itself), and for each of them the sum over the points of
    /// min(`closest`, that distance): one pass over the points (`ClusterKernels.candidateDistances`).
    func candidateDistances(_ rows: [Int], closest: [Double]) -> (distances: [Double], potentials: [Double]) {
        var potentials = [Double](repeating: 0, count: rows.count)
        guard count > 0, !rows.isEmpty, dimension > 0 else {
            return ([Double](repeating: 0, count: rows.count * count), potentials)
        }
        // The kernel writes every distance: no need to zero them first.
        var distances = [Double](unsafeUninitializedCapacity: rows.count * count) { _, initialized in
            initialized = rows.count * count
        }
        let candidates = rows.flatMap { row($0) }
        let candidateNorms = rows.map { squaredNorms[$0] }
        values.withUnsafeBufferPointer { points in
            distances.withUnsafeMutableBufferPointer { output in
                potentials.withUnsafeMutableBufferPointer { sums in
                    ClusterKernels.candidateDistances(
                        points: points.baseAddress!,
                        pointNorms: squaredNorms,
                        count: count,
                        dimension: dimension,
                        candidates: candidates,
                        candidateNorms: candidateNorms,
                        candidateRows: rows,
                        closest: closest,
                        distances: output.baseAddress!,
                        potentials: sums.baseAddress!
                    )
                }
            }
        }
        return (distances, potentials)
    }

    /// The squared Euclidean distance from every point to the nearest of `count` centres (row-major).
    func squaredDistances(toCentres centres: [Float], count centreCount: Int) -> [Double] {
        var assignments = [Int](repeating: 0, count: count)
        var squared = [Double](repeating: 0, count: count)
        NearestCentroid.assign(self, centroids: centres, clusterCount: centreCount, to: &assignments, squared: &squared)
        return squared
    }

    /// The squared norm of each of the `count` rows of `values` (`dimension` floats each, row-major).
    static func squaredNorms(_ values: [Float], count: Int, dimension: Int) -> [Double] {
        guard dimension > 0 else { return [Double](repeating: 0, count: count) }
        return values.withUnsafeBufferPointer { buffer in
            (0..<count).map { row in
                let start = buffer.baseAddress! + row * dimension
                return Double(MatrixProduct.dot(start, start, count: dimension))
            }
        }
    }
}
