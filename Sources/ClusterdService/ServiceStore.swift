import ClusterdCore
import Foundation

/// The store operations the service needs (MongoStore provides them; all calls block and run on the service's
/// queues, never on an event loop or the cooperative pool).
public protocol ServiceStore: Sendable {
    /// Checks the connection.
    func ping() throws
    /// Creates clusterd's indexes.
    func ensureIndexes() throws
    /// Finds a host message by id text (ObjectId first when it looks like one, then string).
    func message(id text: String) throws -> MessageRecord?
    /// Counts one more attempt before the work; returns the attempt number.
    func beginAttempt(messageID: RecordID, conversationID: RecordID?) throws -> Int
    /// Whether the message has an analysis with an embedding (not only attempts or errors).
    func hasAnalysis(messageID: RecordID) throws -> Bool
    /// Idempotently writes analyses (one bulk write).
    func saveAnalyses(_ analyses: [MessageAnalysis]) throws
    /// Records an analysis failure; `final` gives the message up.
    func recordFailure(messageID: RecordID, conversationID: RecordID?, error: String, final: Bool) throws
    /// Host messages with no usable analysis that are not given up.
    func unanalysedMessageIDs(limit: Int, maxAttempts: Int) throws -> [RecordID]
    /// Host messages whose `_id` sorts after `after` in MongoDB's order (all when nil; strings before ObjectIds)
    /// with no usable analysis that are not given up, and the last id the scan accounted for.
    func unanalysedMessages(after: RecordID?, limit: Int, maxAttempts: Int) throws -> SweepPage
    /// Analyses with an embedding, optionally only those written after a date.
    func countAnalyses(analyzedAfter: Date?) throws -> Int
    /// Analyses given up.
    func countFailed() throws -> Int
    /// Analyses with an embedding written at or before `bound`.
    func analyses(analyzedAtOrBefore bound: Date) throws -> [MessageAnalysis]
    /// Inserts a new run document.
    func insertRun(_ run: ClusteringRun) throws
    /// Finishes a run if it is still `running`; false when it was not.
    func finishRun(_ run: ClusteringRun) throws -> Bool
    /// Marks runs left `running` as abandoned; returns how many.
    func abandonRunningRuns(reason: String, now: Date) throws -> Int
    /// The newest run of any status.
    func latestRun() throws -> ClusteringRun?
    /// The newest succeeded run.
    func latestSuccessfulRun() throws -> ClusteringRun?
    /// Up to `limit` runs of any status, newest first.
    func recentRuns(limit: Int) throws -> [ClusteringRun]
    /// A run by id.
    func run(id: RecordID) throws -> ClusteringRun?
    /// Writes a run's clusters and assignments.
    func saveClusters(_ clusters: [Cluster], assignments: [ClusterAssignment]) throws
    /// A run's clusters, largest first.
    func clusters(runID: RecordID) throws -> [Cluster]
    /// Claude tokens recorded for a UTC day (days since 1970-01-01).
    func llmTokensUsed(day: Int) throws -> Int
    /// Adds Claude tokens to a UTC day's count.
    func addLLMTokens(day: Int, tokens: Int) throws
    /// A run's per-conversation assignments.
    func assignments(runID: RecordID) throws -> [ClusterAssignment]
    /// Deletes the analyses of these messages (their host messages were deleted); returns how many were deleted.
    func deleteAnalyses(messageIDs: [RecordID]) throws -> Int
    /// Opens a change stream on the host's messages collection after `token` (from now when nil); each read waits up
    /// to `maxAwaitSeconds` and returns at most `maxEvents` changes. Throws a `StoreError` whose
    /// `isChangeStreamUnsupported` says the server has none, `isChangeStreamTokenUnusable` that it cannot resume.
    func openMessageChanges(after token: ChangeStreamToken?, maxAwaitSeconds: Double, maxEvents: Int) throws
        -> any MessageChangeFeed
    /// Of these message ids, those whose analysis has an embedding.
    func analysedMessageIDs(among ids: [RecordID]) throws -> Set<RecordID>
    /// The change stream's saved position, or nil.
    func changeStreamToken() throws -> ChangeStreamToken?
    /// Saves the change stream's position.
    func saveChangeStreamToken(_ token: ChangeStreamToken, now: Date) throws
    /// Releases the connection pool; called last at shutdown.
    func close()
}
