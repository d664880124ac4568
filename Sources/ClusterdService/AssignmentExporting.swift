import ClusterdCore

/// One read of a run's assignments, a page at a time, on a cursor of its own (MongoStore's `AssignmentExport`).
public protocol AssignmentExporting: AnyObject, Sendable {
    /// Up to `limit` more assignments, stopping before their `bytes` add up past `byteBudget` (one row at least);
    /// `done` when none is left.
    func next(limit: Int, byteBudget: Int, bytes: (ClusterAssignment) -> Int) throws -> (
        rows: [ClusterAssignment], done: Bool
    )
    /// Releases the cursor. Idempotent.
    func close()
}
