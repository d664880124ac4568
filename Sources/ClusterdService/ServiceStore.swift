import ClusterdCore
import Foundation

/// The store operations the service needs (MongoStore provides them; all calls block and run on the service's
/// queues, never on an event loop or the cooperative pool).
public protocol ServiceStore: LeaseStore {
    /// Checks the connection.
    func ping() throws
    /// Creates clusterd's indexes.
    func ensureIndexes() throws
    /// Host messages by id text, in one read (ObjectId first when a text looks like one, then string).
    func messages(idTexts: [String]) throws -> [String: MessageRecord]
    /// What the analyses collection holds for these messages (no embeddings); absent: no document.
    func analysisStates(messageIDs: [RecordID]) throws -> [RecordID: AnalysisState]
    /// Claims messages for `owner` until `expiresAt` (one attempt counted on each, compare-and-set on the `states`
    /// read) in one bulk write; the ids won.
    func claimAnalyses(
        _ messageIDs: [RecordID],
        states: [RecordID: AnalysisState],
        owner: String,
        expiresAt: Date
    ) throws -> Set<RecordID>
    /// Idempotently writes analyses (a bulk insert, then a bulk update of those that had a document).
    func saveAnalyses(_ analyses: [MessageAnalysis]) throws
    /// Records analysis failures (one bulk write); a final one gives its message up.
    func recordFailures(_ failures: [AnalysisFailure]) throws
    /// Up to `limit` host messages that need analysis by `embedder`, from the first id (one scan), waiting for the
    /// server at most `patience` seconds at a time.
    func unanalysedMessageIDs(limit: Int, embedder: String, patience: Double) throws -> [RecordID]
    /// A scan of host message ids after `after` in MongoDB's `_id` order (all when nil), on one cursor: its `next`
    /// waits at most `patience` seconds for the server, and `whenReadable` is called when ids arrive after a wait.
    func openScan(
        after: RecordID?,
        patience: Double,
        whenReadable: @escaping @Sendable () -> Void
    ) throws -> any MessageScanning
    /// Where the catch-up sweep resumes, as saved.
    func sweepPosition() throws -> RecordID?
    /// Saves where the catch-up sweep resumes.
    func saveSweepPosition(_ position: RecordID?, now: Date) throws
    /// Analyses with an embedding (by `embedder` when given), optionally only those written after a date.
    func countAnalyses(analyzedAfter: Date?, embedder: String?) throws -> Int
    /// Analyses by another embedder than `embedder`, waiting to be analysed again.
    func countStaleAnalyses(embedder: String) throws -> Int
    /// Analyses given up.
    func countFailed() throws -> Int
    /// Analyses by `embedder` written at or before `bound`.
    func analyses(analyzedAtOrBefore bound: Date, embedder: String) throws -> [MessageAnalysis]
    /// The same analyses in batches of at most `batchSize` (message-id order), on one cursor: what a run streams.
    func forEachAnalysisBatch(
        analyzedAtOrBefore bound: Date,
        embedder: String,
        batchSize: Int,
        _ body: ([MessageAnalysis]) throws -> Void
    ) throws
    /// Inserts a new run document.
    func insertRun(_ run: ClusteringRun) throws
    /// Finishes a run if it is still `running`; false when it was not.
    func finishRun(_ run: ClusteringRun) throws -> Bool
    /// A connection of its own for the lease's thread, outside the pool, with `timeoutSeconds` as every timeout of
    /// its calls.
    func openLeaseStore(timeoutSeconds: Double) throws -> any LeaseStore
    /// The publication fence: true when `owner` still holds the lease with `token` (and records the run).
    func passFence(named name: String, owner: String, token: Int64, runID: RecordID, now: Date) throws -> Bool
    /// Asks the lease holder for a forced run.
    func requestForcedRun(named name: String, by replica: String, now: Date) throws
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
    /// Puts messages on the concept backlog, claimable from `availableAt` (at once when nil).
    func enqueueConceptBacklog(_ entries: [(messageID: RecordID, queuedAt: Date)], availableAt: Date?) throws
    /// Claims up to `limit` claimable backlog entries (and `owner`'s own under tokens not in `liveTokens`) with
    /// `token`, newest first (oldest first with `oldestFirst`).
    func claimConceptBacklog(
        limit: Int,
        owner: String,
        token: String,
        liveTokens: [String],
        now: Date,
        expiresAt: Date,
        oldestFirst: Bool
    ) throws -> [ConceptBacklogEntry]
    /// Writes Claude's concepts over analyses; how many were updated.
    @discardableResult
    func upgradeConcepts(_ upgrades: [(messageID: RecordID, extraction: ConceptExtraction)]) throws -> Int
    /// Drops backlog entries `owner` claimed.
    func finishConceptBacklog(_ ids: [RecordID], owner: String) throws
    /// Gives claimed backlog entries back, claimable from `at`.
    func releaseConceptBacklog(_ ids: [RecordID], owner: String, at: Date, countAttempt: Bool) throws
    /// Entries on the concept backlog.
    func conceptBacklogCount() throws -> Int
    /// Renames a published cluster in place unless it is pinned; true when it changed.
    func renameCluster(runID: RecordID, stableID: String, naming: ClusterNaming, source: String) throws -> Bool
    /// Claude tokens recorded for a UTC day (days since 1970-01-01).
    func llmTokensUsed(day: Int) throws -> Int
    /// Adds Claude tokens to a UTC day's count.
    func addLLMTokens(day: Int, tokens: Int) throws
    /// The text of each conversation's first analysed message (the report's representative messages).
    func firstMessageTexts(conversationIDs: [RecordID]) throws -> [RecordID: String]
    /// The clusters of a run still waiting for a Claude name; nil when none wait.
    func pendingNames() throws -> (runID: RecordID, requests: [ClusterNamingRequest])?
    /// Replaces the clusters waiting for a Claude name (none: nothing waits).
    func savePendingNames(runID: RecordID?, requests: [ClusterNamingRequest], now: Date) throws
    /// The saved report map layouts, oldest first.
    func savedMapLayouts() throws -> [SavedMapLayout]
    /// Replaces the saved report map layouts with the newest of `layouts`.
    func saveMapLayouts(_ layouts: [SavedMapLayout], now: Date) throws
    /// A run's per-conversation assignments.
    func assignments(runID: RecordID) throws -> [ClusterAssignment]
    /// Erases the analyses of these messages (ids as stored), and what a conversation left without analyses had
    /// (assignments, cluster references); top concepts no remaining analysis has leave the clusters.
    func forgetMessages(ids: [RecordID]) throws -> ErasureCounts
    /// Erases a conversation's analyses, its assignments in every run, its cluster references and the top concepts
    /// no remaining analysis has.
    func forgetConversation(id: RecordID) throws -> ErasureCounts
    /// Of `ids`, the host messages that exist (only those in `conversations` when given); `_id` lookups in batches.
    func hostMessageIDs(among ids: [RecordID], inConversations conversations: [RecordID]?) throws -> Set<RecordID>
    /// Deletes the clusters and assignments of runs beyond the newest `keep` successful ones and of failed,
    /// abandoned or skipped runs; returns how many went.
    func pruneRuns(keep: Int) throws -> (clusters: Int, assignments: Int)
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
    /// A conversation's assignment in one run, or nil.
    func assignment(conversationID: RecordID, runID: RecordID) throws -> ClusterAssignment?
    /// The provisional placements of these conversations, by conversation.
    func provisionalAssignments(conversationIDs: [RecordID]) throws -> [RecordID: ProvisionalAssignment]
    /// Writes provisional placements (one document per conversation, compare-and-set on its revision); returns the
    /// conversations whose write lost to another writer.
    @discardableResult
    func saveProvisionalAssignments(_ placements: [ProvisionalAssignment]) throws -> Set<RecordID>

    /// Every topic's hand curation (see `MongoStore.curations`).
    func curations() throws -> [TopicCuration]
    /// Stores a topic's curation and logs the change (see `MongoStore.saveCuration`).
    func saveCuration(_ topic: TopicCuration, change: CurationChange) throws
    /// Records merged topics' last-seen centroids (see `MongoStore.saveAbsorbedCentroids`).
    func saveAbsorbedCentroids(_ topics: [(stableID: String, level: Int, centroid: [Float])]) throws
    /// The curation audit log, newest first (see `MongoStore.curationChanges`).
    func curationChanges(stableID: String?, limit: Int) throws -> [CurationChange]
    /// One cluster of a run, or nil.
    func cluster(runID: RecordID, stableID: String) throws -> Cluster?
    /// Gives a run's cluster a name; false when the run has no such cluster.
    @discardableResult
    func renameCluster(runID: RecordID, stableID: String, name: String, description: String?, source: String) throws
        -> Bool
    /// Opens a read of a run's assignments on a cursor of its own (see `MongoStore.openAssignmentExport`).
    func openAssignmentExport(runID: RecordID) throws -> any AssignmentExporting
    /// A page of provisional placements against a run (see `MongoStore.provisionalPage`).
    func provisionalPage(runID: RecordID, after: RecordID?, limit: Int) throws -> [ProvisionalAssignment]
    /// Of these conversations, those a run assigned.
    func assignedConversations(runID: RecordID, among conversationIDs: [RecordID]) throws -> Set<RecordID>
    /// Up to `limit` successful runs, newest first.
    func successfulRuns(limit: Int) throws -> [ClusteringRun]
    /// Every stored cluster with this stable id, of any run.
    func clusters(stableID: String) throws -> [Cluster]
}
