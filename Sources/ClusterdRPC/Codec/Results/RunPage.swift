import ClusterdCore

/// One page of ListRuns: runs, newest first, and the token of the next page (empty on the last).
public struct RunPage: Sendable, Equatable {
    /// The runs of this page.
    public var runs: [RunSummary]
    /// Empty on the last page.
    public var nextPageToken: String

    /// Creates a page.
    public init(runs: [RunSummary], nextPageToken: String = "") {
        self.runs = runs
        self.nextPageToken = nextPageToken
    }
}
