import Testing

/// Every end-to-end test is nested in this suite, which runs them one at a time: each test starts its own
/// clusterd processes against one shared MongoDB-wire server, and timing-sensitive checks (a run in progress, a
/// full queue) must not compete with other tests for two CPU cores.
@Suite("clusterd end to end", .serialized, .timeLimit(.minutes(2)))
struct EndToEnd {}
