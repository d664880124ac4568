import ClusterdCore
import ClusterdEmbedding

/// Unit-normalised points in one row-major buffer.
struct PointMatrix {
    let count: Int
    let dimension: Int
    let values: [Float]
    let squaredNorms: [Double]

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
    /// place when the caller hands its only reference over (no copy of a large input).
    init(rows: consuming [Float], dimension: Int) {
        let count = dimension > 0 ? rows.count / dimension : 0
        var values = rows
        if values.count > count * dimension { values.removeLast(values.count - count * dimension) }
        values.withUnsafeMutableBufferPointer { buffer in
            for row in 0..<count {
                let start = buffer.baseAddress! + row * dimension
                let sum = MatrixProduct.dot(start, start, count: dimension)
                guard sum > 0 else { continue }
                MatrixProduct.scale(start, count: dimension, by: 1 / sum.squareRoot())
            }
        }
        self.init(normalized: values, dimension: dimension)
    }

    /// Wraps rows that are already normalised (`count` of them; by default as many as `values` holds).
    init(normalized values: [Float], dimension: Int, count: Int? = nil) {
        self.dimension = dimension
        self.count = count ?? (dimension > 0 ? values.count / dimension : 0)
        self.values = values
        squaredNorms = Self.squaredNorms(values, count: self.count, dimension: dimension)
    }

    func row(_ index: Int) -> [Float] {
        Array(values[(index * dimension)..<((index + 1) * dimension)])
    }

    /// The points at `indices`, in that order.
    func subset(_ indices: [Int]) -> PointMatrix {
        var picked = [Float](repeating: 0, count: indices.count * dimension)
        values.withUnsafeBufferPointer { source in
            picked.withUnsafeMutableBufferPointer { target in
                for (position, index) in indices.enumerated() {
                    (target.baseAddress! + position * dimension)
                        .update(from: source.baseAddress! + index * dimension, count: dimension)
                }
            }
        }
        return PointMatrix(normalized: picked, dimension: dimension, count: indices.count)
    }

    /// For each of `indices`, the squared Euclidean distance from every point to that point.
    func squaredDistances(to indices: [Int]) -> [[Double]] {
        let columns = indices.flatMap { row($0) }
        let products = MatrixProduct.gram(
            rows: values,
            rowCount: count,
            columns: columns,
            columnCount: indices.count,
            dimension: dimension
        )
        return indices.enumerated().map { position, index in
            (0..<count).map { point in
                let product = Double(products[point * indices.count + position])
                return point == index ? 0 : max(0, squaredNorms[point] + squaredNorms[index] - 2 * product)
            }
        }
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
