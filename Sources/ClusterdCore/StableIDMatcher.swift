/// Greedy one-to-one matching of new centroids to the previous run's clusters.
///
/// All (new, previous) pairs with centroid cosine ≥ `threshold` are taken highest cosine first (ties: lower new
/// index, then smaller previous stable id); a pair is kept when neither side is matched yet.
enum StableIDMatcher {
    /// For each matched new centroid index, the index into `previous`.
    static func match(centroids: [[Float]], previous: [Cluster], threshold: Double) -> [Int: Int] {
        var pairs: [(new: Int, old: Int, cosine: Double)] = []
        for (new, centroid) in centroids.enumerated() {
            for (old, cluster) in previous.enumerated() where cluster.centroid.count == centroid.count {
                let cosine = VectorMath.dot(centroid, VectorMath.normalized(cluster.centroid))
                if cosine >= threshold { pairs.append((new, old, cosine)) }
            }
        }
        pairs.sort { lhs, rhs in
            if lhs.cosine != rhs.cosine { return lhs.cosine > rhs.cosine }
            if lhs.new != rhs.new { return lhs.new < rhs.new }
            return previous[lhs.old].stableID < previous[rhs.old].stableID
        }
        var matches: [Int: Int] = [:]
        var taken = Set<Int>()
        for pair in pairs where matches[pair.new] == nil && !taken.contains(pair.old) {
            matches[pair.new] = pair.old
            taken.insert(pair.old)
        }
        return matches
    }
}
