import ClusterdCore
import ClusterdEmbedding

/// Mean cosine silhouette of a partition, on a deterministic sample.
///
/// The distance is cosine distance, 1 − cos. For each sampled point, a = mean distance to the other sampled
/// members of its cluster, b = the smallest mean distance to the sampled members of another cluster, and
/// s = (b − a) / max(a, b); a point alone in its cluster (within the sample) scores 0. As in scikit-learn's
/// `silhouette_score(sample_size:)`, all of this is computed within the sample.
public enum Silhouette {
    /// The mean silhouette of `labels` over `points`, or nil when the sample holds fewer than two clusters.
    /// `points` need not be unit length; they are normalised first.
    public static func score(points: [[Float]], labels: [Int], sampleSize: Int, seed: UInt64) -> Double? {
        precondition(points.count == labels.count, "one label per point")
        let sample = sampleIndices(count: points.count, sampleSize: sampleSize, seed: seed)
        let dimension = points.first?.count ?? 0
        var flat: [Float] = []
        flat.reserveCapacity(sample.count * dimension)
        for index in sample {
            var row = VectorMath.normalized(points[index])
            row += [Float](repeating: 0, count: max(0, dimension - row.count))
            flat += row.prefix(dimension)
        }
        let similarities = MatrixProduct.gram(
            rows: flat,
            rowCount: sample.count,
            columns: flat,
            columnCount: sample.count,
            dimension: dimension
        )
        return score(similarities: similarities, labels: sample.map { labels[$0] })
    }

    /// The generator of `sampleIndices` for `seed` (also what `PointMatrix.moveRandomSampleToFront` draws from).
    static func sampleGenerator(seed: UInt64) -> SeededGenerator {
        SeededGenerator(seed: seed ^ 0x5111_0e77_e5a3_91e5)
    }

    /// Indices of at most `sampleSize` points, ascending: all of them when they fit, else a seeded random subset.
    public static func sampleIndices(count: Int, sampleSize: Int, seed: UInt64) -> [Int] {
        let size = max(0, sampleSize)
        guard count > size else { return Array(0..<count) }
        var indices = Array(0..<count)
        var generator = sampleGenerator(seed: seed)
        for position in 0..<size {
            let pick = position + generator.nextIndex(below: count - position)
            indices.swapAt(position, pick)
        }
        return indices.prefix(size).sorted()
    }

    /// The mean silhouette given the sample's cosine similarity matrix (row-major, `labels.count` squared).
    static func score(similarities: [Float], labels: [Int]) -> Double? {
        let count = labels.count
        let clusterIDs = Array(Set(labels)).sorted()
        guard clusterIDs.count > 1 else { return nil }
        var slot: [Int: Int] = [:]
        for (position, id) in clusterIDs.enumerated() { slot[id] = position }
        var clusterSizes = [Int](repeating: 0, count: clusterIDs.count)
        for label in labels { clusterSizes[slot[label]!] += 1 }

        var total: Double = 0
        var sums = [Double](repeating: 0, count: clusterIDs.count)
        for row in 0..<count {
            for index in sums.indices { sums[index] = 0 }
            let base = row * count
            for column in 0..<count where column != row {
                sums[slot[labels[column]]!] += 1 - Double(similarities[base + column])
            }
            let own = slot[labels[row]]!
            guard clusterSizes[own] > 1 else { continue }
            let a = sums[own] / Double(clusterSizes[own] - 1)
            var b = Double.infinity
            for other in sums.indices where other != own {
                b = min(b, sums[other] / Double(clusterSizes[other]))
            }
            let denominator = max(a, b)
            if denominator > 0 { total += (b - a) / denominator }
        }
        return total / Double(count)
    }
}
