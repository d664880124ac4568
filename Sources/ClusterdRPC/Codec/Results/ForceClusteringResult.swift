/// ForceClustering's answer: whether a run started or a follow-up was queued.
public struct ForceClusteringResult: Sendable, Equatable {
    /// A run started now.
    public var started: Bool
    /// A run is in progress and one follow-up run is queued after it.
    public var followUpQueued: Bool
    /// A sentence for humans.
    public var message: String

    /// Creates a result.
    public init(started: Bool, followUpQueued: Bool, message: String) {
        self.started = started
        self.followUpQueued = followUpQueued
        self.message = message
    }
}
