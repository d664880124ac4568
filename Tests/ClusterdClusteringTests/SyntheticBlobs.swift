@testable import ClusterdClustering
@testable import ClusterdCore

/// Well-separated synthetic clusters for the k-means, k rule and engine tests.
enum SyntheticBlobs {
    /// `perBlob` unit vectors around each of `blobs` orthogonal axes of a `dimension`-d space, with small noise;
    /// returns the points and the blob index of each, blob by blob.
    static func make(
        blobs: Int = 3,
        perBlob: Int = 20,
        dimension: Int = 16,
        noise: Float = 0.15,
        seed: UInt64 = 7
    ) -> (points: [[Float]], blobs: [Int]) {
        var generator = SeededGenerator(seed: seed)
        var points: [[Float]] = []
        var labels: [Int] = []
        for blob in 0..<blobs {
            for _ in 0..<perBlob {
                var point = (0..<dimension).map { _ in Float(generator.nextUnitDouble() * 2 - 1) * noise }
                point[blob] += 1
                points.append(VectorMath.normalized(point))
                labels.append(blob)
            }
        }
        return (points, labels)
    }

    /// `perCentre` unit vectors around each of `centres` random unit centres of a `dimension`-d space, each moved
    /// by noise of about length `noise`; returns the points and the centre index of each, centre by centre.
    static func sphere(
        centres: Int,
        perCentre: Int,
        dimension: Int,
        noise: Float,
        seed: UInt64
    ) -> (points: [[Float]], blobs: [Int]) {
        var generator = SeededGenerator(seed: seed)
        let scale = noise / (Float(dimension) / 3).squareRoot()
        var points: [[Float]] = []
        var labels: [Int] = []
        for centre in 0..<centres {
            let axis = VectorMath.normalized((0..<dimension).map { _ in Float(generator.nextUnitDouble() * 2 - 1) })
            for _ in 0..<perCentre {
                let point = axis.map { $0 + Float(generator.nextUnitDouble() * 2 - 1) * scale }
                points.append(VectorMath.normalized(point))
                labels.append(centre)
            }
        }
        return (points, labels)
    }

    /// True when `assignments` groups the points exactly as `truth` does (up to renumbering).
    static func samePartition(_ assignments: [Int], _ truth: [Int]) -> Bool {
        guard assignments.count == truth.count else { return false }
        var forward: [Int: Int] = [:]
        var backward: [Int: Int] = [:]
        for (found, expected) in zip(assignments, truth) {
            if forward[found, default: expected] != expected || backward[expected, default: found] != found {
                return false
            }
            forward[found] = expected
            backward[expected] = found
        }
        return true
    }
}
