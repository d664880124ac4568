import ClusterdCore
import ClusterdStore
import Foundation
import Synchronization

@testable import ClusterdService

/// A `ServiceStore` over the real embedded MongoDB whose every call fails while `down` is set, as during an outage.
final class FlakyStore: ServiceStore {
    struct Outage: Error, CustomStringConvertible {
        var description: String { "simulated MongoDB outage" }
    }

    let inner: MongoStore
    private let isDown = Atomic<Bool>(false)
    /// Runs after a run's clusters are saved, before it is published (to act during a run).
    let afterSavingClusters = Mutex<(@Sendable () -> Void)?>(nil)

    init(_ inner: MongoStore) { self.inner = inner }

    /// Whether every call fails.
    var down: Bool {
        get { isDown.load(ordering: .sequentiallyConsistent) }
        set { isDown.store(newValue, ordering: .sequentiallyConsistent) }
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
    func forgetMessages(ids: [RecordID]) throws -> ErasureCounts { try checked { try inner.forgetMessages(ids: ids) } }
    func forgetConversation(id: RecordID) throws -> ErasureCounts {
        try checked { try inner.forgetConversation(id: id) }
    }
    func hostMessageIDs(among ids: [RecordID], inConversations conversations: [RecordID]?) throws -> Set<RecordID> {
        try checked { try inner.hostMessageIDs(among: ids, inConversations: conversations) }
    }
    func pruneRuns(keep: Int) throws -> (clusters: Int, assignments: Int) {
        try checked { try inner.pruneRuns(keep: keep) }
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
        try checked { try inner.unanalysedMessages(after: after, limit: limit, maxAttempts: maxAttempts) }
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
        afterSavingClusters.withLock { $0 }?()
    }
    func clusters(runID: RecordID) throws -> [Cluster] { try checked { try inner.clusters(runID: runID) } }
    func llmTokensUsed(day: Int) throws -> Int { try checked { try inner.llmTokensUsed(day: day) } }
    func addLLMTokens(day: Int, tokens: Int) throws { try checked { try inner.addLLMTokens(day: day, tokens: tokens) } }
    func assignments(runID: RecordID) throws -> [ClusterAssignment] {
        try checked { try inner.assignments(runID: runID) }
    }
    func close() { inner.close() }
}
