/// How a run chooses k, the number of k-means clusters.
///
/// For n conversations with m distinct vectors:
/// - n = 0 gives k = 0 (no clusters); n ≤ 2 or m = 1 gives k = 1 (two points cannot be scored by silhouette,
///   so they share one cluster).
/// - `.fixed(k)` uses min(k, m), at least 1.
/// - `.silhouette(range:sampleSize:)` tries every k from max(2, range.lowerBound) to
///   kMax = min(range.upperBound, n − 1, max(2, n / 2), m), runs seeded k-means for each and keeps the smallest k
///   whose mean cosine silhouette (computed on the same deterministic sample of at most `sampleSize` points) is
///   within 2% of the highest, after fitting the candidates within 3% of it again with 10 starts. When the range starts above kMax, k = kMax. With a previous run whose k is a
///   candidate, `ClusteringEngine` keeps that k unless the best k's silhouette is higher by more than
///   `ClusteringConfiguration.kSwitchMargin` (0.02), so k does not flip on noise between runs.
/// - `.grid(sampleSize:)` (the default) grows with the data. With
///   cap = min(n − 1, m, max(min(12, n / 2), min(n, sampleSize) / 10)) it tries every k in 2...12, then the sparse
///   grid k = 15..50 step 5, 60..100 step 10, 120..240 step 20, 280..400 step 40, 480..800 step 80, then steps of
///   160, up to cap: a few dozen points get a handful of clusters at most; 3,000 and more (with the default sample
///   of 3,000) up to 300, the most the sample resolves at ten points a cluster. `ClusteringEngine` fits k-means for
///   each candidate on a deterministic sample of at most `sampleSize` points, scores each by silhouette on that
///   sample, fits the leading candidates (within 3% of the best) again with 10 starts, and keeps the smallest k
///   within 2% of the best score (the same hysteresis as `.silhouette`; the previous run's k joins the candidates
///   when it is within the cap), then fits the chosen k on all points, started from its sample fit.
public enum KRule: Sendable, Equatable, CustomStringConvertible {
    /// Always this many clusters (capped by the number of distinct points).
    case fixed(Int)
    /// The k in `range` with the best silhouette on a sample of at most `sampleSize` points.
    case silhouette(range: ClosedRange<Int>, sampleSize: Int)
    /// The k on a grid capped at a tenth of the points (dense to 12, sparse above) with the best silhouette,
    /// k-means for each candidate fitted on a sample of at most `sampleSize` points.
    case grid(sampleSize: Int)

    /// The rule as stored with a run: "fixed:8", "silhouette:2-12", "grid".
    public var description: String {
        switch self {
        case .fixed(let k): return "fixed:\(k)"
        case .silhouette(let range, _): return "silhouette:\(range.lowerBound)-\(range.upperBound)"
        case .grid: return "grid"
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
        case .grid(let sampleSize):
            guard count > 2, distinct > 1 else { return [1] }
            let cap = Self.gridCap(count: count, distinctCount: distinct, sampleSize: sampleSize)
            var values = Array(2...max(2, min(cap, 12)))
            var k = 15
            while k <= cap {
                values.append(k)
                k += Self.gridStep(after: k)
            }
            return values
        }
    }

    /// The points a candidate k-means is fitted on and the silhouette scored on: `sampleSize` for the sampled
    /// rules, 1000 for `.fixed` (its silhouette is only reported).
    public var sampleSize: Int {
        switch self {
        case .fixed: return 1000
        case .silhouette(_, let size), .grid(let size): return size
        }
    }

    /// The largest k `.grid` tries for `count` points of which `distinctCount` are distinct, with a silhouette
    /// sample of at most `sampleSize` points.
    public static func gridCap(count: Int, distinctCount: Int, sampleSize: Int) -> Int {
        min(count - 1, distinctCount, max(min(12, count / 2), min(count, max(1, sampleSize)) / 10))
    }

    /// The grid's step after `k`: 5 below 50, 10 below 100, 20 below 240, 40 below 400, 80 below 800, then 160.
    static func gridStep(after k: Int) -> Int {
        switch k {
        case ..<50: return 5
        case ..<100: return 10
        case ..<240: return 20
        case ..<400: return 40
        case ..<800: return 80
        default: return 160
        }
    }
}
