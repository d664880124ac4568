/// One page of ExportAssignments: rows in conversation-id order after a cursor, and the cursor of the next page.
public struct ExportPage: Sendable, Equatable {
    /// The run exported (resolved when the request named none).
    public var runID: String
    /// The rows.
    public var rows: [ExportedAssignment]
    /// The conversation id to ask after for the next page (the last row's).
    public var nextAfter: String
    /// No row follows this page.
    public var done: Bool

    /// Creates a page.
    public init(runID: String, rows: [ExportedAssignment], nextAfter: String, done: Bool) {
        self.runID = runID
        self.rows = rows
        self.nextAfter = nextAfter
        self.done = done
    }

    /// The most rows a page holds.
    public static let maxRows = 5000
    /// Rows a page holds when the request asks for 0.
    public static let defaultRows = 2000
    /// A page stops before its rows' text passes this many bytes, so its frame stays well under the 1 MiB clients
    /// accept whatever the length of the ids.
    public static let maxTextBytes = 512 * 1024
}
