import ClusterdCore
import ClusterdStore
import Foundation
import Synchronization

@testable import ClusterdService

/// A `ServiceStore` over the real embedded MongoDB whose every call fails while `down` is set, as during an outage,
/// and whose catch-up sweep scans find nothing while `sweepBlind` is set (so only a trigger or the change stream can
/// bring a message to analysis).
final class FlakyStore: ServiceStore {
    struct Outage: Error, CustomStringConvertible {
        var description: String { "simulated MongoDB outage" }
    }

    let inner: MongoStore
    private let isDown = Atomic<Bool>(false)
    /// Runs after a run's clusters are saved, before it is published (to act during a run).
    let afterSavingClusters = Mutex<(@Sendable () -> Void)?>(nil)
    private let isSweepBlind = Atomic<Bool>(false)
    /// Runs' existence checks of host messages (`hostMessageIDs` with no conversations), counted.
    let existenceChecks = Atomic<Int>(0)

    init(_ inner: MongoStore) { self.inner = inner }

    /// Whether every call fails.
    var down: Bool {
        get { isDown.load(ordering: .sequentiallyConsistent) }
        set { isDown.store(newValue, ordering: .sequentiallyConsistent) }
    }

    /// Whether the sweep's scans come back empty.
    var sweepBlind: Bool {
        get { isSweepBlind.load(ordering: .sequentiallyConsistent) }
        set { isSweepBlind.store(newValue, ordering: .sequentiallyConsistent) }
    }

    /// `body`'s result, or `Outage` while the store is down.
    func checked<T>(_ body: () throws -> T) throws -> T {
        if down { throw Outage() }
        return try body()
    }

    func ping() throws { try checked { try inner.ping() } }
    func ensureIndexes() throws { try checked { try inner.ensureIndexes() } }
    func messages(idTexts: [String]) throws -> [String: MessageRecord] {
        try checked { try inner.messages(idTexts: idTexts) }
    }
    func analysisStates(messageIDs: [RecordID]) throws -> [RecordID: AnalysisState] {
        try checked { try inner.analysisStates(messageIDs: messageIDs) }
    }
    func claimAnalyses(
        _ messageIDs: [RecordID],
        states: [RecordID: AnalysisState],
        owner: String,
        expiresAt: Date
    ) throws -> Set<RecordID> {
        try checked { try inner.claimAnalyses(messageIDs, states: states, owner: owner, expiresAt: expiresAt) }
    }
    func firstMessageTexts(conversationIDs: [RecordID]) throws -> [RecordID: String] {
        try checked { try inner.firstMessageTexts(conversationIDs: conversationIDs) }
    }
    func pendingNames() throws -> (runID: RecordID, requests: [ClusterNamingRequest])? {
        try checked { try inner.pendingNames() }
    }
    func savePendingNames(runID: RecordID?, requests: [ClusterNamingRequest], now: Date) throws {
        try checked { try inner.savePendingNames(runID: runID, requests: requests, now: now) }
    }
    func savedMapLayouts() throws -> [SavedMapLayout] { try checked { try inner.savedMapLayouts() } }
    func saveMapLayouts(_ layouts: [SavedMapLayout], now: Date) throws {
        try checked { try inner.saveMapLayouts(layouts, now: now) }
    }
    func forgetMessages(ids: [RecordID]) throws -> ErasureCounts { try checked { try inner.forgetMessages(ids: ids) } }
    func forgetConversation(id: RecordID) throws -> ErasureCounts {
        try checked { try inner.forgetConversation(id: id) }
    }
    func hostMessageIDs(among ids: [RecordID], inConversations conversations: [RecordID]?) throws -> Set<RecordID> {
        if conversations == nil { existenceChecks.add(1, ordering: .sequentiallyConsistent) }
        return try checked { try inner.hostMessageIDs(among: ids, inConversations: conversations) }
    }
    func pruneRuns(keep: Int) throws -> (clusters: Int, assignments: Int) {
        try checked { try inner.pruneRuns(keep: keep) }
    }
    func saveAnalyses(_ analyses: [MessageAnalysis]) throws { try checked { try inner.saveAnalyses(analyses) } }
    func enqueueConceptBacklog(_ entries: [(messageID: RecordID, queuedAt: Date)], availableAt: Date?) throws {
        try checked { try inner.enqueueConceptBacklog(entries, availableAt: availableAt) }
    }
    func claimConceptBacklog(
        limit: Int,
        owner: String,
        token: String,
        liveTokens: [String],
        now: Date,
        expiresAt: Date,
        oldestFirst: Bool
    ) throws -> [ConceptBacklogEntry] {
        try checked {
            try inner.claimConceptBacklog(
                limit: limit,
                owner: owner,
                token: token,
                liveTokens: liveTokens,
                now: now,
                expiresAt: expiresAt,
                oldestFirst: oldestFirst
            )
        }
    }
    func upgradeConcepts(_ upgrades: [(messageID: RecordID, extraction: ConceptExtraction)]) throws -> Int {
        try checked { try inner.upgradeConcepts(upgrades) }
    }
    func finishConceptBacklog(_ ids: [RecordID], owner: String) throws {
        try checked { try inner.finishConceptBacklog(ids, owner: owner) }
    }
    func releaseConceptBacklog(_ ids: [RecordID], owner: String, at: Date, countAttempt: Bool) throws {
        try checked { try inner.releaseConceptBacklog(ids, owner: owner, at: at, countAttempt: countAttempt) }
    }
    func conceptBacklogCount() throws -> Int { try checked { try inner.conceptBacklogCount() } }
    func renameCluster(runID: RecordID, stableID: String, naming: ClusterNaming, source: String) throws -> Bool {
        try checked { try inner.renameCluster(runID: runID, stableID: stableID, naming: naming, source: source) }
    }
    func recordFailures(_ failures: [AnalysisFailure]) throws { try checked { try inner.recordFailures(failures) } }
    func unanalysedMessageIDs(limit: Int, embedder: String, patience: Double) throws -> [RecordID] {
        try checked { try inner.unanalysedMessageIDs(limit: limit, embedder: embedder, patience: patience) }
    }
    func openScan(
        after: RecordID?,
        patience: Double,
        whenReadable: @escaping @Sendable () -> Void
    ) throws -> any MessageScanning {
        if sweepBlind { return try checked { BlindScan() } }
        return try checked { try inner.scanMessages(after: after, patience: patience, whenReadable: whenReadable) }
    }
    func sweepPosition() throws -> RecordID? { try checked { try inner.sweepPosition() } }
    func saveSweepPosition(_ position: RecordID?, now: Date) throws {
        try checked { try inner.saveSweepPosition(position, now: now) }
    }
    func countAnalyses(analyzedAfter: Date?, embedder: String?) throws -> Int {
        try checked { try inner.countAnalyses(analyzedAfter: analyzedAfter, embedder: embedder) }
    }
    func countStaleAnalyses(embedder: String) throws -> Int {
        try checked { try inner.countStaleAnalyses(embedder: embedder) }
    }
    func countFailed() throws -> Int { try checked { try inner.countFailed() } }
    func analyses(analyzedAtOrBefore bound: Date, embedder: String) throws -> [MessageAnalysis] {
        try checked { try inner.analyses(analyzedAtOrBefore: bound, embedder: embedder) }
    }
    func forEachAnalysisBatch(
        analyzedAtOrBefore bound: Date,
        embedder: String,
        batchSize: Int,
        _ body: ([MessageAnalysis]) throws -> Void
    ) throws {
        try checked {
            try inner.forEachAnalysisBatch(analyzedAtOrBefore: bound, embedder: embedder, batchSize: batchSize, body)
        }
    }
    func insertRun(_ run: ClusteringRun) throws { try checked { try inner.insertRun(run) } }
    func finishRun(_ run: ClusteringRun) throws -> Bool { try checked { try inner.finishRun(run) } }
    func abandonRunningRuns(before token: Int64, reason: String, now: Date) throws -> Int {
        try checked { try inner.abandonRunningRuns(before: token, reason: reason, now: now) }
    }
    func serverTime() throws -> Date { try checked { try inner.serverTime() } }
    func leaseRound(named name: String, owner: String, incarnation: String, ttl: Double, now: Date) throws -> Lease? {
        try checked { try inner.leaseRound(named: name, owner: owner, incarnation: incarnation, ttl: ttl, now: now) }
    }
    func releaseLease(named name: String, owner: String, token: Int64, now: Date) throws {
        try checked { try inner.releaseLease(named: name, owner: owner, token: token, now: now) }
    }
    func passFence(named name: String, owner: String, token: Int64, runID: RecordID, now: Date) throws -> Bool {
        try checked { try inner.passFence(named: name, owner: owner, token: token, runID: runID, now: now) }
    }
    func requestForcedRun(named name: String, by replica: String, now: Date) throws {
        try checked { try inner.requestForcedRun(named: name, by: replica, now: now) }
    }
    func takeForcedRunRequest(named name: String, owner: String, token: Int64) throws -> String? {
        try checked { try inner.takeForcedRunRequest(named: name, owner: owner, token: token) }
    }
    func latestRun() throws -> ClusteringRun? { try checked { try inner.latestRun() } }
    func latestSuccessfulRun() throws -> ClusteringRun? { try checked { try inner.latestSuccessfulRun() } }
    func recentRuns(limit: Int) throws -> [ClusteringRun] { try checked { try inner.recentRuns(limit: limit) } }
    func run(id: RecordID) throws -> ClusteringRun? { try checked { try inner.run(id: id) } }
    func saveClusters(_ clusters: [Cluster], assignments: [ClusterAssignment]) throws {
        try checked { try inner.saveClusters(clusters, assignments: assignments) }
        afterSavingClusters.withLock { $0 }?()
    }
    func clusters(runID: RecordID) throws -> [Cluster] { try checked { try inner.clusters(runID: runID) } }
    func llmTokensUsed(day: Int) throws -> Int { try checked { try inner.llmTokensUsed(day: day) } }
    func addLLMTokens(day: Int, tokens: Int) throws { try checked { try inner.addLLMTokens(day: day, tokens: tokens) } }
    func assignments(runID: RecordID) throws -> [ClusterAssignment] {
        try checked { try inner.assignments(runID: runID) }
    }
    func deleteAnalyses(messageIDs: [RecordID]) throws -> Int {
        try checked { try inner.deleteAnalyses(messageIDs: messageIDs) }
    }
    func openMessageChanges(after token: ChangeStreamToken?, maxAwaitSeconds: Double, maxEvents: Int) throws
        -> any MessageChangeFeed
    {
        try checked {
            try inner.openMessageChanges(after: token, maxAwaitSeconds: maxAwaitSeconds, maxEvents: maxEvents)
        }
    }
    func analysedMessageIDs(among ids: [RecordID]) throws -> Set<RecordID> {
        try checked { try inner.analysedMessageIDs(among: ids) }
    }
    func changeStreamToken() throws -> ChangeStreamToken? { try checked { try inner.changeStreamToken() } }
    func saveChangeStreamToken(_ token: ChangeStreamToken, now: Date) throws {
        try checked { try inner.saveChangeStreamToken(token, now: now) }
    }
    func assignment(conversationID: RecordID, runID: RecordID) throws -> ClusterAssignment? {
        try checked { try inner.assignment(conversationID: conversationID, runID: runID) }
    }
    func provisionalAssignments(conversationIDs: [RecordID]) throws -> [RecordID: ProvisionalAssignment] {
        try checked { try inner.provisionalAssignments(conversationIDs: conversationIDs) }
    }
    func saveProvisionalAssignments(_ placements: [ProvisionalAssignment]) throws -> Set<RecordID> {
        try checked { try inner.saveProvisionalAssignments(placements) }
    }
    func close() { inner.close() }
    func curations() throws -> [TopicCuration] { try checked { try inner.curations() } }
    func saveCuration(_ topic: TopicCuration, change: CurationChange) throws {
        try checked { try inner.saveCuration(topic, change: change) }
    }
    func saveAbsorbedCentroids(_ topics: [(stableID: String, level: Int, centroid: [Float])]) throws {
        try checked { try inner.saveAbsorbedCentroids(topics) }
    }
    func curationChanges(stableID: String?, limit: Int) throws -> [CurationChange] {
        try checked { try inner.curationChanges(stableID: stableID, limit: limit) }
    }
    func cluster(runID: RecordID, stableID: String) throws -> Cluster? {
        try checked { try inner.cluster(runID: runID, stableID: stableID) }
    }
    func renameCluster(runID: RecordID, stableID: String, name: String, description: String?, source: String) throws
        -> Bool
    {
        try checked {
            try inner.renameCluster(
                runID: runID,
                stableID: stableID,
                name: name,
                description: description,
                source: source
            )
        }
    }
    func openAssignmentExport(runID: RecordID) throws -> any AssignmentExporting {
        try checked { try inner.openAssignmentExport(runID: runID) }
    }
    func provisionalPage(runID: RecordID, after: RecordID?, limit: Int) throws -> [ProvisionalAssignment] {
        try checked { try inner.provisionalPage(runID: runID, after: after, limit: limit) }
    }
    func assignedConversations(runID: RecordID, among conversationIDs: [RecordID]) throws -> Set<RecordID> {
        try checked { try inner.assignedConversations(runID: runID, among: conversationIDs) }
    }
    func successfulRuns(limit: Int) throws -> [ClusteringRun] { try checked { try inner.successfulRuns(limit: limit) } }
    func clusters(stableID: String) throws -> [Cluster] { try checked { try inner.clusters(stableID: stableID) } }
}

/// A scan that finds nothing (a `FlakyStore` with `sweepBlind` set).
struct BlindScan: MessageScanning {
    func next(limit: Int, maxExamined: Int, embedder: String) throws -> SweepPage {
        SweepPage(ids: [], scannedThrough: nil, reachedEnd: true)
    }
    func close() {}
}
