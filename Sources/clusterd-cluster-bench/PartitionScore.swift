import ClusterdClustering
import Foundation

/// Scores any engine's labels the same way: the k-means objective of the partition on the data file (Σ‖x − μ‖² with
/// μ each cluster's mean, streamed: Σ‖x‖² − Σ ‖S_c‖² / n_c) and the adjusted Rand index against the true centres.
enum PartitionScore {
    /// (inertia, ARI) of `labels` for the rows of the file at `path`.
    static func score(path: String, labels: [Int32], truth: [Int32], dimension: Int) throws -> (Double, Double) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ClusterBenchError("cannot read \(path)") }
        defer { try? handle.close() }
        let clusters = Int(labels.max() ?? 0) + 1
        var sums = [Double](repeating: 0, count: clusters * dimension)
        var counts = [Int](repeating: 0, count: clusters)
        var squares: Double = 0
        let block = 65_536
        for start in stride(from: 0, to: labels.count, by: block) {
            let end = min(labels.count, start + block)
            let rows = try SyntheticCentres.read(handle, rows: start..<end, dimension: dimension)
            for row in 0..<(rows.count / dimension) {
                let base = Int(labels[start + row]) * dimension
                for index in 0..<dimension {
                    let value = Double(rows[row * dimension + index])
                    sums[base + index] += value
                    squares += value * value
                }
                counts[Int(labels[start + row])] += 1
            }
        }
        var inertia = squares
        for cluster in 0..<clusters where counts[cluster] > 0 {
            var norm: Double = 0
            for index in 0..<dimension { norm += sums[cluster * dimension + index] * sums[cluster * dimension + index] }
            inertia -= norm / Double(counts[cluster])
        }
        let ari = ExternalClusteringMetrics.adjustedRandIndex(gold: truth, predicted: labels) ?? .nan
        return (inertia, ari)
    }
}
