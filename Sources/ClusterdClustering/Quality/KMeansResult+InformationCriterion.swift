import Foundation

extension KMeansResult {
    /// The Bayesian information criterion of the fit read as a mixture of spherical Gaussians with one shared
    /// variance (X-means, Pelleg and Moore 2000): the points' log-likelihood less half the free parameters
    /// (k × (dimension + 1)) times ln n. Higher is better; it rewards a split only when the likelihood gained pays
    /// for a centre's `dimension` coordinates, so unlike the silhouette it does not keep rising once true topics are
    /// cut in two. Nil for fewer points than two per cluster, or no spread at all.
    ///
    /// Read from the cosine distances alone: a cluster of nⱼ unit vectors whose cosines to its normalised centroid
    /// sum to sⱼ has a mean of length sⱼ / nⱼ, so its squared Euclidean spread about that mean is nⱼ − sⱼ² / nⱼ.
    public func informationCriterion(dimension: Int) -> Double? {
        let n = assignments.count
        guard dimension > 0, !centroids.isEmpty else { return nil }
        var counts = [Double](repeating: 0, count: centroids.count)
        var cosines = [Double](repeating: 0, count: centroids.count)
        for (point, cluster) in assignments.enumerated() {
            counts[cluster] += 1
            cosines[cluster] += 1 - distances[point]
        }
        let k = counts.filter { $0 > 0 }.count
        guard n >= 2 * k else { return nil }
        var spread = 0.0
        var sizeTerm = 0.0
        for (count, cosine) in zip(counts, cosines) where count > 0 {
            spread += max(0, count - cosine * cosine / count)
            sizeTerm += count * log(count)
        }
        let points = Double(n)
        let dimensions = Double(dimension)
        let variance = spread / (dimensions * (points - Double(k)))
        guard variance > 0 else { return nil }
        let logLikelihood =
            sizeTerm - points * log(points) - points * dimensions / 2 * log(2 * Double.pi * variance)
            - dimensions * (points - Double(k)) / 2
        return logLikelihood - Double(k) * (dimensions + 1) / 2 * log(points)
    }
}
