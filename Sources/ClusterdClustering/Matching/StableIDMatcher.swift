import ClusterdCore

/// One-to-one matching of this run's clusters to the previous run's, on centroid cosine and membership overlap.
///
/// A pair's score is (1 − w)·cosine + w·Jaccard when the previous memberships are known (w = `membershipWeight`;
/// Jaccard over the conversations both runs clustered), the cosine alone otherwise, and the cosine term is left out
/// when the centroids cannot be compared (different embedding lengths). A pair may match when its cosine reaches
/// `cosineThreshold` or its Jaccard reaches `overlapThreshold`; among the pairs that may match, the Hungarian
/// algorithm picks the one-to-one matching with the largest total score.
struct StableIDMatcher {
    /// Least centroid cosine for a pair to match on position alone.
    var cosineThreshold: Double
    /// Least Jaccard overlap for a pair to match on membership alone.
    var overlapThreshold: Double
    /// Weight of membership overlap in the score, 0...1.
    var membershipWeight: Double

    /// For each new cluster, the index into `previous` it is matched to, or nil.
    func match(centroids: [[Float]], previous: [Cluster], overlap: MembershipOverlap) -> [Int?] {
        guard !centroids.isEmpty, !previous.isEmpty else { return [Int?](repeating: nil, count: centroids.count) }
        let weight = min(1, max(0, membershipWeight))
        let previousCentroids = previous.map { VectorMath.normalized($0.centroid) }
        var scores = [[Double]](repeating: [Double](repeating: 0, count: previous.count), count: centroids.count)
        for (new, centroid) in centroids.enumerated() {
            for old in previous.indices {
                let cosine: Double? =
                    previousCentroids[old].count == centroid.count && !centroid.isEmpty
                    ? VectorMath.dot(centroid, previousCentroids[old]) : nil
                let jaccard: Double? = overlap.known ? overlap.jaccard(new, old) : nil
                let eligible = (cosine ?? -.infinity) >= cosineThreshold || (jaccard ?? -.infinity) >= overlapThreshold
                guard eligible else { continue }
                let score: Double
                switch (cosine, jaccard) {
                case (let cosine?, let jaccard?): score = (1 - weight) * cosine + weight * jaccard
                case (let cosine?, nil): score = cosine
                case (nil, let jaccard?): score = jaccard
                case (nil, nil): score = 0
                }
                // Eligible pairs must score above zero to be matched at all.
                scores[new][old] = max(score, 1e-9)
            }
        }
        return Hungarian.maximize(scores)
    }
}
