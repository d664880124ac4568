/// What a GetReport request asks for: a run (empty: the latest successful one), text or not, and a page.
public struct ReportPageRequest: Sendable, Equatable {
    /// The run to show; empty: the latest successful run.
    public var runID: String
    /// Leave the representative messages' text out.
    public var noText: Bool
    /// Index of the page's first cluster.
    public var offset: UInt32
    /// Clusters per page at most; 0: the server's default.
    public var limit: UInt32

    /// Creates a request.
    public init(runID: String = "", noText: Bool = false, offset: UInt32 = 0, limit: UInt32 = 0) {
        self.runID = runID
        self.noText = noText
        self.offset = offset
        self.limit = limit
    }
}
