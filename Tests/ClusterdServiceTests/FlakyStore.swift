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
    private let isSweepBlind = Atomic<Bool>(false)

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

    private func checked<T>(_ body: () throws -> T) throws -> T {
        if down { throw Outage() }
        return try body()
    }

    func ping() throws { try checked { try inner.ping() } }
    func ensureIndexes() throws { try checked { try inner.ensureIndexes() } }
    func message(id text: String) throws -> MessageRecord? { try checked { try inner.message(id: text) } }
    func beginAttempt(messageID: RecordID, conversationID: RecordID?) throws -> Int {
        try checked { try inner.beginAttempt(messageID: messageID, conversationID: conversationID) }
    }
    func hasAnalysis(messageID: RecordID) throws -> Bool {
        try checked { try inner.hasAnalysis(messageID: messageID) }
    }
    func saveAnalyses(_ analyses: [MessageAnalysis]) throws { try checked { try inner.saveAnalyses(analyses) } }
    func recordFailure(messageID: RecordID, conversationID: RecordID?, error: String, final: Bool) throws {
        try checked {
            try inner.recordFailure(messageID: messageID, conversationID: conversationID, error: error, final: final)
        }
    }
    func unanalysedMessageIDs(limit: Int, maxAttempts: Int) throws -> [RecordID] {
        try checked { try inner.unanalysedMessageIDs(limit: limit, maxAttempts: maxAttempts) }
    }
    func unanalysedMessages(after: RecordID?, limit: Int, maxAttempts: Int) throws -> SweepPage {
        if sweepBlind { return try checked { SweepPage(ids: [], scannedThrough: nil, reachedEnd: true) } }
        return try checked { try inner.unanalysedMessages(after: after, limit: limit, maxAttempts: maxAttempts) }
    }
    func countAnalyses(analyzedAfter: Date?) throws -> Int {
        try checked { try inner.countAnalyses(analyzedAfter: analyzedAfter) }
    }
    func countFailed() throws -> Int { try checked { try inner.countFailed() } }
    func analyses(analyzedAtOrBefore bound: Date) throws -> [MessageAnalysis] {
        try checked { try inner.analyses(analyzedAtOrBefore: bound) }
    }
    func insertRun(_ run: ClusteringRun) throws { try checked { try inner.insertRun(run) } }
    func finishRun(_ run: ClusteringRun) throws -> Bool { try checked { try inner.finishRun(run) } }
    func abandonRunningRuns(reason: String, now: Date) throws -> Int {
        try checked { try inner.abandonRunningRuns(reason: reason, now: now) }
    }
    func latestRun() throws -> ClusteringRun? { try checked { try inner.latestRun() } }
    func latestSuccessfulRun() throws -> ClusteringRun? { try checked { try inner.latestSuccessfulRun() } }
    func recentRuns(limit: Int) throws -> [ClusteringRun] { try checked { try inner.recentRuns(limit: limit) } }
    func run(id: RecordID) throws -> ClusteringRun? { try checked { try inner.run(id: id) } }
    func saveClusters(_ clusters: [Cluster], assignments: [ClusterAssignment]) throws {
        try checked { try inner.saveClusters(clusters, assignments: assignments) }
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
    func close() { inner.close() }
}
