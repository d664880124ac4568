import ClusterdCore
import ClusterdHTTP
import ClusterdReport
import Foundation
import Synchronization

@testable import ClusterdService

/// A backend answering from fields the test sets.
final class FakeBackend: HTTPGatewayBackend {
    let triggered = Mutex<[String]>([])
    let refuse = Mutex<ServiceError?>(nil)
    let ready = Mutex(Readiness(storeReachable: true, acceptingWork: true, problems: []))
    let metrics = Mutex<String?>("clusterd_store_up 1\n")
    let forced = Mutex(0)

    func status() -> ServiceStatus {
        var status = ServiceStatus()
        status.unprocessedMessages = triggered.withLock { $0.count }
        status.triggerReason = "0 unprocessed messages (threshold: 3)"
        return status
    }

    func forceClustering() -> ForceResult {
        let count = forced.withLock {
            $0 += 1
            return $0
        }
        return ForceResult(started: count == 1, followUpQueued: count > 1, message: "clustering started")
    }

    func triggerAnalysis(messageID: String) throws(ServiceError) -> TriggerResult {
        if let error = refuse.withLock({ $0 }) { throw error }
        let depth = triggered.withLock {
            $0.append(messageID)
            return $0.count
        }
        return TriggerResult(outcome: .queued, queueDepth: depth)
    }

    let forgotten = Mutex<[String]>([])

    func forgetMessage(id: String) throws(ServiceError) -> ErasureCounts {
        if let error = refuse.withLock({ $0 }) { throw error }
        forgotten.withLock { $0.append("message \(id)") }
        return ErasureCounts(analyses: 1)
    }

    func forgetConversation(id: String) throws(ServiceError) -> ErasureCounts {
        if let error = refuse.withLock({ $0 }) { throw error }
        forgotten.withLock { $0.append("conversation \(id)") }
        return ErasureCounts(analyses: 3, assignments: 2, clusters: 1)
    }

    func conversationCluster(id: String) throws(ServiceError) -> ConversationPlacement {
        if let error = refuse.withLock({ $0 }) { throw error }
        return ConversationPlacement(
            conversationID: id,
            runID: "run-1",
            provisional: true,
            distance: 0.25,
            assignedAt: Date(timeIntervalSince1970: 1_700_000_000),
            path: [
                ClusterPathEntry(stableID: "c-base", name: "Refunds", level: 0, size: 12),
                ClusterPathEntry(stableID: "c-top", name: "Billing", level: 1, size: 40),
            ]
        )
    }

    /// The curation changes asked for, with who asked.
    let curations = Mutex<[(CurationRequest, String)]>([])
    /// The curation log requests seen: (stable id, limit).
    let curationLogs = Mutex<[(String?, Int)]>([])

    func curate(_ request: CurationRequest, by who: String) throws(ServiceError) -> CurationOutcome {
        if let error = refuse.withLock({ $0 }) { throw error }
        curations.withLock { $0.append((request, who)) }
        let change = CurationChange(
            action: request.action,
            stableID: request.stableID,
            name: request.name,
            description: request.description,
            intoStableID: request.intoStableID,
            previousName: "Refunds",
            by: who,
            at: Date(timeIntervalSince1970: 1_700_000_000)
        )
        return CurationOutcome(change: change, message: "\(request.action.rawValue)d \(request.stableID)")
    }

    func curationLog(stableID: String?, limit: Int) throws(ServiceError) -> CurationLog {
        if let error = refuse.withLock({ $0 }) { throw error }
        curationLogs.withLock { $0.append((stableID, limit)) }
        let at = Date(timeIntervalSince1970: 1_700_000_000)
        return CurationLog(
            topics: [TopicCuration(stableID: "c-base", name: "Money back", updatedBy: "token (http)", updatedAt: at)],
            changes: [
                CurationChange(action: .rename, stableID: "c-base", name: "Money back", by: "token (http)", at: at)
            ]
        )
    }

    /// The report requests seen: (run id, include text).
    let reports = Mutex<[(String?, Bool)]>([])

    func reportModel(runID: String?, includeText: Bool) throws(ServiceError) -> ReportModel {
        if let error = refuse.withLock({ $0 }) { throw error }
        reports.withLock { $0.append((runID, includeText)) }
        let run = ReportRun(
            id: runID ?? "run-1",
            createdAt: Date(timeIntervalSince1970: 1_700_000_000),
            totalConversations: 3,
            totalMessages: 9,
            embedder: "hashing-v1",
            kRule: "fixed:1",
            k: 1,
            llm: "none (local names)"
        )
        let cluster = ReportCluster(
            stableID: "c1",
            name: "Refunds",
            size: 3,
            messages: includeText ? ["refund please"] : [],
            x: 0,
            y: 0,
            history: [3]
        )
        return ReportModel(
            run: run,
            previousRunID: nil,
            historyRunIDs: [run.id],
            includesText: includeText,
            clusters: [cluster]
        )
    }

    func readiness() -> Readiness { ready.withLock { $0 } }

    func metricsText() -> String? { metrics.withLock { $0 } }
}
