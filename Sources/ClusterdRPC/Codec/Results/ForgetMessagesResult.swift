/// ForgetMessages' answer: how much of clusterd's data about the messages was erased.
public struct ForgetMessagesResult: Sendable, Equatable {
    /// Analysis documents deleted.
    public var analysesErased: UInt64
    /// Cluster assignments deleted (a conversation's, in every run).
    public var assignmentsErased: UInt64
    /// Cluster updates: a conversation removed from a cluster's representatives, or orphaned top concepts removed
    /// from a cluster, count one each.
    public var clustersScrubbed: UInt64

    /// Creates a result.
    public init(analysesErased: UInt64, assignmentsErased: UInt64, clustersScrubbed: UInt64) {
        self.analysesErased = analysesErased
        self.assignmentsErased = assignmentsErased
        self.clustersScrubbed = clustersScrubbed
    }
}
