/// An ExportAssignments request: which run, which rows, after which cursor, how many.
public struct ExportRequest: Sendable, Equatable {
    /// The run (empty: the latest successful run).
    public var runID: String
    /// The previous page's `nextAfter` (empty: the first page).
    public var after: String
    /// Provisional placements instead of the run's assignments.
    public var provisional: Bool
    /// Rows wanted (0: the server's default).
    public var limit: UInt32

    /// Creates a request.
    public init(runID: String = "", after: String = "", provisional: Bool = false, limit: UInt32 = 0) {
        self.runID = runID
        self.after = after
        self.provisional = provisional
        self.limit = limit
    }
}
