/// A Message Batch as the API describes it (`POST /v1/messages/batches`, `GET /v1/messages/batches/{id}`).
public struct MessageBatch: Sendable, Equatable {
    /// `id`, such as `msgbatch_…`.
    public var id: String
    /// `processing_status`: `in_progress`, `canceling` or `ended`.
    public var processingStatus: String
    /// `results_url` once the batch has ended.
    public var resultsURL: String?

    /// Creates a description.
    public init(id: String, processingStatus: String, resultsURL: String?) {
        self.id = id
        self.processingStatus = processingStatus
        self.resultsURL = resultsURL
    }

    /// True once results can be fetched.
    public var ended: Bool { processingStatus == "ended" }
}
