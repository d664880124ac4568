/// One k the k rule tried in a run: its silhouette on the rule's sample, its information criterion, and how many
/// k-means++ starts its final fit had. Not stored; it explains a run's choice of k (`clusterd-eval --curves`).
public struct KCandidateScore: Sendable, Equatable {
    /// The candidate number of clusters.
    public var k: Int
    /// Its cosine silhouette on the rule's sample; nil when there was none (one cluster, or too few points).
    public var silhouette: Double?
    /// Its information criterion (higher is better); nil when there was none.
    public var criterion: Double?
    /// k-means++ starts of the fit that was scored.
    public var starts: Int

    /// Creates a candidate's score.
    public init(k: Int, silhouette: Double?, criterion: Double? = nil, starts: Int) {
        self.k = k
        self.silhouette = silhouette
        self.criterion = criterion
        self.starts = starts
    }
}
