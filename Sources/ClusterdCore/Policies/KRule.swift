/// How a run chooses k, the number of k-means clusters.
///
/// For n conversations with m distinct vectors:
/// - n = 0 gives k = 0 (no clusters); n ≤ 2 or m = 1 gives k = 1 (two points cannot be scored by silhouette,
///   so they share one cluster).
/// - `.fixed(k)` uses min(k, m), at least 1.
/// - `.silhouette(range:sampleSize:)` tries every k from max(2, range.lowerBound) to
///   kMax = min(range.upperBound, n − 1, max(2, n / 2), m), runs seeded k-means for each and keeps the k with the
///   highest mean cosine silhouette (computed on the same deterministic sample of at most `sampleSize` points);
///   ties go to the smaller k. When the range starts above kMax, k = kMax. With a previous run whose k is a
///   candidate, `ClusteringEngine` keeps that k unless the best k's silhouette is higher by more than
///   `ClusteringConfiguration.kSwitchMargin` (0.02), so k does not flip on noise between runs.
public enum KRule: Sendable, Equatable, CustomStringConvertible {
    /// Always this many clusters (capped by the number of distinct points).
    case fixed(Int)
    /// The k in `range` with the best silhouette on a sample of at most `sampleSize` points.
    case silhouette(range: ClosedRange<Int>, sampleSize: Int)

    /// The rule as stored with a run: "fixed:8", "silhouette:2-12".
    public var description: String {
        switch self {
        case .fixed(let k): return "fixed:\(k)"
        case .silhouette(let range, _): return "silhouette:\(range.lowerBound)-\(range.upperBound)"
        }
    }

    /// The k values to try for `count` points of which `distinctCount` are distinct, smallest first.
    public func candidates(count: Int, distinctCount: Int) -> [Int] {
        guard count > 0 else { return [0] }
        let distinct = max(1, min(distinctCount, count))
        switch self {
        case .fixed(let k):
            return [max(1, min(k, distinct))]
        case .silhouette(let range, _):
            guard count > 2, distinct > 1 else { return [1] }
            let upper = min(range.upperBound, count - 1, max(2, count / 2), distinct)
            let lower = max(2, range.lowerBound)
            guard lower <= upper else { return [max(1, upper)] }
            return Array(lower...upper)
        }
    }
}
