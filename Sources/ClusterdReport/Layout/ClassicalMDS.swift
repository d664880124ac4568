/// Classical (Torgerson) multidimensional scaling to two dimensions. For Euclidean distances the doubly centred
/// matrix of squared distances, B = -½ J D² J, is the Gram matrix of the centred points, Xc Xcᵀ, so its two leading
/// eigenvectors scaled by the square roots of their eigenvalues are the projections of the centred points on the
/// two leading eigenvectors of Xcᵀ Xc. The smaller of the two matrices is formed (n × n for fewer points than
/// dimensions, d × d otherwise: 384 × 384 for a thousand MiniLM centroids) and its leading eigenpairs found by power
/// iteration with deflation (deterministic). Each axis's sign is fixed so that its largest-magnitude coordinate is
/// positive.
public enum ClassicalMDS {
    /// Power iterations per eigenvector, at most.
    static let maxIterations = 500

    /// The 2-D coordinates of `points` (all of one dimension), in their order.
    public static func layout(_ points: [[Float]]) -> [MapPoint] {
        let count = points.count
        let dimension = points.first?.count ?? 0
        guard count > 1, dimension > 0, points.allSatisfy({ $0.count == dimension }) else {
            return points.map { _ in MapPoint(x: 0, y: 0) }
        }
        let centred = centre(points, dimension: dimension)
        let useGram = count <= dimension
        let size = useGram ? count : dimension
        var matrix =
            useGram
            ? gram(centred, count: count, dimension: dimension)
            : covariance(centred, count: count, dimension: dimension)
        var axes: [[Double]] = []
        for _ in 0..<2 {
            let (value, vector) = leadingEigenpair(matrix, size: size)
            if useGram {
                let scale = value > 0 ? value.squareRoot() : 0
                axes.append(orientedSign(vector.map { $0 * scale }))
            } else {
                axes.append(orientedSign(project(centred, on: vector, count: count, dimension: dimension)))
            }
            matrix.withUnsafeMutableBufferPointer { m in
                for row in 0..<size {
                    for column in 0..<size { m[row * size + column] -= value * vector[row] * vector[column] }
                }
            }
        }
        return (0..<count).map { MapPoint(x: axes[0][$0], y: axes[1][$0]) }
    }

    /// The points minus their mean, row-major n × d.
    static func centre(_ points: [[Float]], dimension: Int) -> [Double] {
        var mean = [Double](repeating: 0, count: dimension)
        for point in points {
            for index in 0..<dimension { mean[index] += Double(point[index]) }
        }
        for index in 0..<dimension { mean[index] /= Double(points.count) }
        var out = [Double](repeating: 0, count: points.count * dimension)
        for (row, point) in points.enumerated() {
            for index in 0..<dimension { out[row * dimension + index] = Double(point[index]) - mean[index] }
        }
        return out
    }

    /// Xc Xcᵀ (n × n).
    static func gram(_ centred: [Double], count: Int, dimension: Int) -> [Double] {
        var out = [Double](repeating: 0, count: count * count)
        centred.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { g in
                for row in 0..<count {
                    for column in row..<count {
                        var sum = 0.0
                        for index in 0..<dimension { sum += x[row * dimension + index] * x[column * dimension + index] }
                        g[row * count + column] = sum
                        g[column * count + row] = sum
                    }
                }
            }
        }
        return out
    }

    /// Xcᵀ Xc (d × d).
    static func covariance(_ centred: [Double], count: Int, dimension: Int) -> [Double] {
        var out = [Double](repeating: 0, count: dimension * dimension)
        centred.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { c in
                for point in 0..<count {
                    let base = point * dimension
                    for row in 0..<dimension {
                        let value = x[base + row]
                        if value == 0 { continue }
                        for column in row..<dimension { c[row * dimension + column] += value * x[base + column] }
                    }
                }
                for row in 0..<dimension {
                    for column in 0..<row { c[row * dimension + column] = c[column * dimension + row] }
                }
            }
        }
        return out
    }

    /// Xc v: each centred point's coordinate along `vector`.
    static func project(_ centred: [Double], on vector: [Double], count: Int, dimension: Int) -> [Double] {
        centred.withUnsafeBufferPointer { x in
            (0..<count).map { point in
                var sum = 0.0
                for index in 0..<dimension { sum += x[point * dimension + index] * vector[index] }
                return sum
            }
        }
    }

    /// The largest eigenvalue of a symmetric positive semi-definite matrix and its unit eigenvector.
    static func leadingEigenpair(_ matrix: [Double], size: Int) -> (Double, [Double]) {
        var vector = (0..<size).map { 1.0 + Double($0 % 7) * 0.1 + Double($0) / Double(size) }
        normalise(&vector)
        var value = 0.0
        var next = [Double](repeating: 0, count: size)
        matrix.withUnsafeBufferPointer { m in
            for _ in 0..<maxIterations {
                vector.withUnsafeBufferPointer { v in
                    for row in 0..<size {
                        var sum = 0.0
                        for column in 0..<size { sum += m[row * size + column] * v[column] }
                        next[row] = sum
                    }
                }
                let norm = normalise(&next)
                var change = 0.0
                for index in 0..<size { change += abs(next[index] - vector[index]) }
                swap(&vector, &next)
                value = norm
                if norm == 0 || change < 1e-9 { break }
            }
        }
        return (value, vector)
    }

    /// Scales `vector` to unit length; returns its previous length.
    @discardableResult
    static func normalise(_ vector: inout [Double]) -> Double {
        let norm = vector.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return 0 }
        for index in vector.indices { vector[index] /= norm }
        return norm
    }

    /// The axis with its sign chosen so that its largest-magnitude coordinate is positive.
    static func orientedSign(_ axis: [Double]) -> [Double] {
        guard let extreme = axis.max(by: { abs($0) < abs($1) }), extreme < 0 else { return axis }
        return axis.map { -$0 }
    }
}
