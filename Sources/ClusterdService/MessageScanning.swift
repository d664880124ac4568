import ClusterdCore

/// One pass over the host's messages in `_id` order, a page at a time (MongoStore's `MessageScan`).
public protocol MessageScanning: Sendable {
    /// Up to `limit` ids that need analysis by `embedder`, examining at most `maxExamined` ids.
    func next(limit: Int, maxExamined: Int, embedder: String) throws -> SweepPage
    /// Ends the scan and releases what it holds. Idempotent.
    func close()
}
