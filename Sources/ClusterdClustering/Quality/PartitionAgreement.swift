import ClusterdCore

/// How much two partitions of the same conversations agree: churn and the adjusted Rand index.
public enum PartitionAgreement {
    /// The share of items whose label differs between `before` and `after` (same length); nil when empty.
    public static func churn<Label: Equatable>(_ before: [Label], _ after: [Label]) -> Double? {
        precondition(before.count == after.count, "one label per item in both partitions")
        guard !before.isEmpty else { return nil }
        let changed = zip(before, after).filter { $0 != $1 }.count
        return Double(changed) / Double(before.count)
    }

    /// The adjusted Rand index (Hubert and Arabie) of two labelings of the same items: 1 for identical partitions
    /// (whatever the label names), about 0 for independent ones, negative for less agreement than chance. Nil for
    /// fewer than two items. Two partitions that are both one cluster, or both all singletons, score 1 (as
    /// scikit-learn's `adjusted_rand_score`).
    public static func adjustedRandIndex<A: Hashable, B: Hashable>(_ first: [A], _ second: [B]) -> Double? {
        precondition(first.count == second.count, "one label per item in both partitions")
        let count = first.count
        guard count >= 2 else { return nil }
        var joint: [Pair<A, B>: Int] = [:]
        var rows: [A: Int] = [:]
        var columns: [B: Int] = [:]
        for (a, b) in zip(first, second) {
            joint[Pair(first: a, second: b), default: 0] += 1
            rows[a, default: 0] += 1
            columns[b, default: 0] += 1
        }
        func pairs(_ n: Int) -> Double { Double(n) * Double(n - 1) / 2 }
        let index = joint.values.reduce(0) { $0 + pairs($1) }
        let rowPairs = rows.values.reduce(0) { $0 + pairs($1) }
        let columnPairs = columns.values.reduce(0) { $0 + pairs($1) }
        let expected = rowPairs * columnPairs / pairs(count)
        let maximum = (rowPairs + columnPairs) / 2
        guard maximum != expected else { return 1 }
        return (index - expected) / (maximum - expected)
    }

    private struct Pair<A: Hashable, B: Hashable>: Hashable {
        var first: A
        var second: B
    }
}
