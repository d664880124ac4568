/// Whether the service can take work now (the `/readyz` probe).
public struct Readiness: Sendable, Equatable {
    /// MongoDB answered the most recent request and start-up has loaded the state.
    public var storeReachable: Bool
    /// Started, not stopping, and the analysis queue has room.
    public var acceptingWork: Bool
    /// What is wrong, for humans; empty when ready.
    public var problems: [String]

    /// Ready when the store is reachable and work is accepted.
    public var isReady: Bool { storeReachable && acceptingWork }

    /// Creates a readiness report.
    public init(storeReachable: Bool, acceptingWork: Bool, problems: [String]) {
        self.storeReachable = storeReachable
        self.acceptingWork = acceptingWork
        self.problems = problems
    }
}
