/// Classical (Torgerson) multidimensional scaling to two dimensions: the doubly centred matrix of squared Euclidean
/// distances, B = -½ J D² J, and its two leading eigenvectors scaled by the square roots of their eigenvalues
/// (power iteration with deflation; deterministic). Each axis's sign is fixed so that its largest-magnitude
/// coordinate is positive.
public enum ClassicalMDS {
    /// Power iterations per eigenvector, at most.
    static let maxIterations = 300

    /// The 2-D coordinates of `points` (all of one dimension), in their order.
    public static func layout(_ points: [[Float]]) -> [MapPoint] {
        let count = points.count
        guard count > 1 else { return points.map { _ in MapPoint(x: 0, y: 0) } }
        var matrix = centredGram(points)
        var axes: [[Double]] = []
        for _ in 0..<2 {
            let (value, vector) = leadingEigenpair(matrix, count: count)
            let scale = value > 0 ? value.squareRoot() : 0
            axes.append(orientedSign(vector.map { $0 * scale }))
            for row in 0..<count {
                for column in 0..<count { matrix[row * count + column] -= value * vector[row] * vector[column] }
            }
        }
        return (0..<count).map { MapPoint(x: axes[0][$0], y: axes[1][$0]) }
    }

    /// B = -½ J D² J as a row-major matrix, from the squared distances of the points.
    static func centredGram(_ points: [[Float]]) -> [Double] {
        let count = points.count
        var squared = [Double](repeating: 0, count: count * count)
        for row in 0..<count {
            for column in (row + 1)..<count {
                var sum = 0.0
                for (a, b) in zip(points[row], points[column]) {
                    let difference = Double(a) - Double(b)
                    sum += difference * difference
                }
                squared[row * count + column] = sum
                squared[column * count + row] = sum
            }
        }
        var rowMeans = [Double](repeating: 0, count: count)
        for row in 0..<count {
            var sum = 0.0
            for column in 0..<count { sum += squared[row * count + column] }
            rowMeans[row] = sum / Double(count)
        }
        let grandMean = rowMeans.reduce(0, +) / Double(count)
        var gram = squared
        for row in 0..<count {
            for column in 0..<count {
                gram[row * count + column] =
                    -0.5 * (squared[row * count + column] - rowMeans[row] - rowMeans[column] + grandMean)
            }
        }
        return gram
    }

    /// The largest eigenvalue of a symmetric positive semi-definite matrix and its unit eigenvector.
    static func leadingEigenpair(_ matrix: [Double], count: Int) -> (Double, [Double]) {
        var vector = (0..<count).map { 1.0 + Double($0 % 7) * 0.1 + Double($0) / Double(count) }
        normalise(&vector)
        var value = 0.0
        for _ in 0..<maxIterations {
            var next = [Double](repeating: 0, count: count)
            for row in 0..<count {
                var sum = 0.0
                for column in 0..<count { sum += matrix[row * count + column] * vector[column] }
                next[row] = sum
            }
            let norm = normalise(&next)
            let change = zip(next, vector).reduce(0.0) { $0 + abs($1.0 - $1.1) }
            vector = next
            value = norm
            if norm == 0 || change < 1e-10 { break }
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
