import Foundation

/// What the report shows of its run: when, how much, with what, and how good.
public struct ReportRun: Codable, Sendable, Equatable {
    /// The run's id.
    public var id: String
    /// When it started.
    public var createdAt: Date
    /// Conversations clustered.
    public var totalConversations: Int
    /// Messages included.
    public var totalMessages: Int
    /// The embedder's identifier.
    public var embedder: String
    /// The k rule as text ("fixed:8", "silhouette:2-12").
    public var kRule: String
    /// The k that was used.
    public var k: Int
    /// The language model that named the clusters ("claude-… (12 names)", or "none (local names)").
    public var llm: String
    /// Mean cosine silhouette; nil when undefined.
    public var silhouette: Double?
    /// Sum of squared distances to the assigned centroid.
    public var inertia: Double?
    /// Share of shared conversations whose stable id changed since the previous run.
    public var churn: Double?
    /// Adjusted Rand index against the previous run.
    public var adjustedRandIndex: Double?
    /// Clusters per hierarchy level, base level first.
    public var levelSizes: [Int]

    /// Creates a run description.
    public init(
        id: String,
        createdAt: Date,
        totalConversations: Int,
        totalMessages: Int,
        embedder: String,
        kRule: String,
        k: Int,
        llm: String,
        silhouette: Double? = nil,
        inertia: Double? = nil,
        churn: Double? = nil,
        adjustedRandIndex: Double? = nil,
        levelSizes: [Int] = []
    ) {
        self.id = id
        self.createdAt = createdAt
        self.totalConversations = totalConversations
        self.totalMessages = totalMessages
        self.embedder = embedder
        self.kRule = kRule
        self.k = k
        self.llm = llm
        self.silhouette = silhouette
        self.inertia = inertia
        self.churn = churn
        self.adjustedRandIndex = adjustedRandIndex
        self.levelSizes = levelSizes
    }
}
