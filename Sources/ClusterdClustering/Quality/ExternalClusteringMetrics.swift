import ClusterdCore
import Foundation

/// How well a clustering recovers known (gold) labels: clustering accuracy, normalised mutual information and the
/// adjusted Rand index, each as scikit-learn / scipy compute them.
public enum ExternalClusteringMetrics {
    /// Clustering accuracy: the share of items that agree with their gold label after the best one-to-one matching of
    /// clusters to labels (the Hungarian algorithm on the contingency table, as `scipy.optimize.linear_sum_assignment`).
    /// Clusters or labels left over when their counts differ match nothing. Nil for no items.
    public static func accuracy<A: Hashable, B: Hashable>(gold: [A], predicted: [B]) -> Double? {
        precondition(gold.count == predicted.count, "one predicted label per gold label")
        guard !gold.isEmpty else { return nil }
        let table = Contingency(gold, predicted)
        let scores = table.counts.map { row in row.map(Double.init) }
        let matching = Hungarian.maximize(scores)
        var matched = 0
        for (row, column) in matching.enumerated() {
            if let column { matched += table.counts[row][column] }
        }
        return Double(matched) / Double(gold.count)
    }

    /// Normalised mutual information with the arithmetic-mean normaliser, MI / ((H(gold) + H(predicted)) / 2), as
    /// scikit-learn's `normalized_mutual_info_score` (natural logarithms; the base cancels). Both partitions one
    /// cluster scores 1; zero mutual information scores 0. Nil for no items.
    public static func normalizedMutualInformation<A: Hashable, B: Hashable>(gold: [A], predicted: [B]) -> Double? {
        precondition(gold.count == predicted.count, "one predicted label per gold label")
        guard !gold.isEmpty else { return nil }
        let table = Contingency(gold, predicted)
        if table.rowTotals.count == 1 && table.columnTotals.count == 1 { return 1 }
        let n = Double(gold.count)
        var mutual: Double = 0
        for (row, counts) in table.counts.enumerated() {
            for (column, count) in counts.enumerated() where count > 0 {
                let joint = Double(count)
                let expected = Double(table.rowTotals[row]) * Double(table.columnTotals[column])
                mutual += joint / n * (log(joint * n / expected))
            }
        }
        mutual = max(0, mutual)
        guard mutual > 0 else { return 0 }
        let normaliser = (entropy(table.rowTotals, n) + entropy(table.columnTotals, n)) / 2
        return mutual / normaliser
    }

    /// The adjusted Rand index (see `PartitionAgreement.adjustedRandIndex`); nil for fewer than two items.
    public static func adjustedRandIndex<A: Hashable, B: Hashable>(gold: [A], predicted: [B]) -> Double? {
        PartitionAgreement.adjustedRandIndex(gold, predicted)
    }

    private static func entropy(_ totals: [Int], _ n: Double) -> Double {
        totals.reduce(0) { sum, total in
            let p = Double(total) / n
            return p > 0 ? sum - p * log(p) : sum
        }
    }

    /// Gold labels as rows, predicted clusters as columns, each numbered in first-seen order.
    private struct Contingency {
        var counts: [[Int]]
        var rowTotals: [Int]
        var columnTotals: [Int]

        init<A: Hashable, B: Hashable>(_ gold: [A], _ predicted: [B]) {
            var rows: [A: Int] = [:]
            var columns: [B: Int] = [:]
            for label in gold where rows[label] == nil { rows[label] = rows.count }
            for label in predicted where columns[label] == nil { columns[label] = columns.count }
            counts = [[Int]](repeating: [Int](repeating: 0, count: columns.count), count: rows.count)
            rowTotals = [Int](repeating: 0, count: rows.count)
            columnTotals = [Int](repeating: 0, count: columns.count)
            for (a, b) in zip(gold, predicted) {
                let row = rows[a]!
                let column = columns[b]!
                counts[row][column] += 1
                rowTotals[row] += 1
                columnTotals[column] += 1
            }
        }
    }
}
