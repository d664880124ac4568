/// Lifecycle of a clustering run document.
public enum RunStatus: String, Sendable, Equatable, CaseIterable {
    /// In progress (at most one at a time).
    case running
    /// Finished and published.
    case succeeded
    /// Stopped by an error; `error` says which.
    case failed
    /// Not run, e.g. fewer than two conversations; `error` holds the reason.
    case skipped
    /// Left `running` by a process that died; marked at the next start-up.
    case abandoned
}
