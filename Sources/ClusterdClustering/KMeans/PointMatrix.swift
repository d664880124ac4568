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

    /// Normalises the rows of `rows` (`dimension` floats each, row-major; a trailing partial row is dropped).
    init(rows: [Float], dimension: Int) {
        let count = dimension > 0 ? rows.count / dimension : 0
        var values = Array(rows.prefix(count * dimension))
        values.withUnsafeMutableBufferPointer { buffer in
            for row in 0..<count {
                var sum: Float = 0
                for index in 0..<dimension { sum += buffer[row * dimension + index] * buffer[row * dimension + index] }
                guard sum > 0 else { continue }
                let scale = 1 / sum.squareRoot()
                for index in 0..<dimension { buffer[row * dimension + index] *= scale }
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
        var picked: [Float] = []
        picked.reserveCapacity(indices.count * dimension)
        for index in indices { picked += values[(index * dimension)..<((index + 1) * dimension)] }
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

    static func squaredNorms(_ values: [Float], count: Int, dimension: Int) -> [Double] {
        values.withUnsafeBufferPointer { buffer in
            (0..<count).map { row in
                var sum: Double = 0
                for index in 0..<dimension {
                    let value = Double(buffer[row * dimension + index])
                    sum += value * value
                }
                return sum
            }
        }
    }
}
