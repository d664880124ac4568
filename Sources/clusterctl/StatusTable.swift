import ClusterdCore
import Foundation

/// Renders status as an aligned two-column table.
enum StatusTable {
    static func render(_ status: ServiceStatus) -> String {
        var rows: [(String, String)] = [
            ("enabled", "\(status.enabled)"),
            (
                "clustering in progress",
                status.clusteringInProgress
                    ? "yes (\(status.clusteringStage) \(Int(status.clusteringProgress * 100))%)" : "no"
            ),
            ("unprocessed messages", "\(status.unprocessedMessages)"),
            ("minutes since last clustering", status.minutesSinceLastClustering.map(String.init) ?? "never"),
            ("should trigger clustering", "\(status.shouldTriggerClustering)"),
            ("trigger reason", status.triggerReason),
            ("thresholds", "\(status.messageThreshold) messages / \(status.timeThresholdMinutes) minutes"),
            ("queue", "\(status.queueDepth) / \(status.queueCapacity) (in flight \(status.inFlightAnalyses))"),
            ("analysed / failed", "\(status.analyzedTotal) / \(status.failedTotal)"),
            (
                "triggers (refused) / swept",
                "\(status.triggersTotal) (\(status.triggersRefused)) / \(status.sweptTotal)"
            ),
            ("embedder", status.embedder),
            ("degraded", status.degraded.isEmpty ? "none" : status.degraded.joined(separator: ", ")),
            ("last error", status.lastError.isEmpty ? "none" : status.lastError),
            ("version / uptime", "\(status.version) / \(Int(status.uptimeSeconds)) s"),
        ]
        if let run = status.latestClusteringRun {
            rows.append(("latest clustering run", "\(run.id) at \(ServiceStatus.isoText(run.createdAt))"))
            rows.append(("  conversations / clusters", "\(run.totalConversations) / \(run.clustersCreated)"))
        } else {
            rows.append(("latest clustering run", "none"))
        }
        if let run = status.lastRun, run.id != status.latestClusteringRun?.id {
            rows.append(("last run", "\(run.id) \(run.status)\(run.error.isEmpty ? "" : ": \(run.error)")"))
        }
        rows.append(
            (
                "next automatic run",
                status.nextAutomaticRunAt.map { ServiceStatus.isoText($0) } ?? "when messages arrive"
            )
        )
        rows.append(("  why", status.schedulingReason))
        if !status.quietHours.isEmpty || status.maxAutomaticRunsPerHour > 0 {
            let quiet = status.quietHours.isEmpty ? "any time" : status.quietHours
            let cap = status.maxAutomaticRunsPerHour > 0 ? "\(status.maxAutomaticRunsPerHour)" : "no cap"
            rows.append(("  quiet hours / runs per hour", "\(quiet) / \(status.automaticRunsLastHour) of \(cap)"))
        }
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
            .joined(separator: "\n")
    }
}
