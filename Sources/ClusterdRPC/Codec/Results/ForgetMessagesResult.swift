/// ForgetMessages' answer: how much of clusterd's data about the messages was erased.
public struct ForgetMessagesResult: Sendable, Equatable {
    /// Analysis documents deleted.
    public var analysesErased: UInt64
    /// Cluster assignments deleted (a conversation's, in every run).
    public var assignmentsErased: UInt64
    /// Cluster documents changed (a representative conversation or a top concept removed).
    public var clustersScrubbed: UInt64

    /// Creates a result.
    public init(analysesErased: UInt64, assignmentsErased: UInt64, clustersScrubbed: UInt64) {
        self.analysesErased = analysesErased
        self.assignmentsErased = assignmentsErased
        self.clustersScrubbed = clustersScrubbed
    }
}
