import ClusterdCore
import Foundation

/// Renders status as an aligned two-column table. Degraded parts, errors and refusals stand out: in colour on a
/// terminal, and in words (DEGRADED, FAILED) everywhere.
enum StatusTable {
    /// What each degraded part means for an operator.
    static let degradedMeaning: [String: String] = [
        "store": "MongoDB unreachable",
        "embedder:fallback": "feature-hashing embeddings, not a language model",
        "llm": "Claude unavailable, local concepts",
    ]

    /// The replica rows: this replica's id and role, the leader with its fencing token and lease age, live claims.
    static func replicaRows(_ replica: ReplicaStatus, terminal: Terminal) -> [(String, String)] {
        let role = replica.isLeader ? terminal.paint("leader", .green, .bold) : "follower"
        var rows = [("replica", replica.id.isEmpty ? role : "\(replica.id) (\(role))")]
        if replica.leader.isEmpty {
            rows.append(("  lease", "not seen yet"))
        } else {
            let age = replica.leaseAgeSeconds.map { String(format: "%.1f s", $0) } ?? "unknown"
            rows.append(("  leader / fencing token", "\(replica.leader) / \(replica.fencingToken), held \(age)"))
        }
        rows.append(("  live claims", "\(replica.liveClaims)"))
        return rows
    }

    /// The status table's text.
    static func render(_ status: ServiceStatus, terminal: Terminal) -> String {
        var rows: [(String, String)] = []
        if status.degraded.isEmpty {
            rows.append(("health", terminal.paint("ok", .green)))
        } else {
            let parts = status.degraded.map { part in
                let text = degradedMeaning[part].map { "\(part) (\($0))" } ?? part
                return terminal.paint(text, part == "store" ? .red : .yellow, .bold)
            }
            rows.append(("health", terminal.paint("DEGRADED:", .red, .bold) + " " + parts.joined(separator: ", ")))
        }
        rows.append(("enabled", status.enabled ? "yes" : terminal.paint("no (triggers are only counted)", .yellow)))
        rows.append(("clustering", clustering(status, terminal: terminal)))
        rows.append(("unprocessed messages", "\(status.unprocessedMessages) (threshold \(status.messageThreshold))"))
        rows.append(
            (
                "last clustering",
                status.minutesSinceLastClustering.map { "\($0) min ago (threshold \(status.timeThresholdMinutes) min)" }
                    ?? "never"
            )
        )
        rows.append(
            (
                "should trigger",
                (status.shouldTriggerClustering ? "yes" : "no")
                    + (status.triggerReason.isEmpty ? "" : ": \(status.triggerReason)")
            )
        )
        let queueFull = status.queueCapacity > 0 && status.queueDepth >= status.queueCapacity
        rows.append(
            (
                "queue",
                terminal.paint(
                    "\(status.queueDepth) / \(status.queueCapacity)\(queueFull ? " FULL" : "")",
                    queueFull ? .red : .bold
                ) + ", \(status.inFlightAnalyses) in flight, \(status.analysisWorkers) workers"
            )
        )
        rows.append(
            (
                "analysed",
                "\(status.analyzedTotal)"
                    + (status.failedTotal > 0
                        ? ", " + terminal.paint("\(status.failedTotal) FAILED", .yellow) : ", 0 failed")
            )
        )
        rows.append(
            (
                "triggers",
                "\(status.triggersTotal)"
                    + (status.triggersRefused > 0
                        ? " (" + terminal.paint("\(status.triggersRefused) refused: queue full", .yellow) + ")" : "")
                    + ", \(status.sweptTotal) found by the sweep"
                    + (status.changeStream.isEmpty ? "" : "; change stream \(status.changeStream)")
            )
        )
        if status.staleAnalyses > 0 {
            rows.append(
                ("stale analyses", terminal.paint("\(status.staleAnalyses) by another embedder, being redone", .yellow))
            )
        }
        rows.append(
            (
                "embedder",
                status.embedderDetail.isEmpty ? status.embedder : "\(status.embedder) (\(status.embedderDetail))"
            )
        )
        rows.append(("k rule / min cluster size", "\(status.kRule) / \(status.minClusterSize)"))
        let llm = status.llm
        rows.append(("llm", llm.model.isEmpty ? llm.state : "\(llm.state) (\(llm.model))"))
        if llm.state != LLMStatusReport.notConfigured {
            rows.append(("  calls / failures / retries", "\(llm.calls) / \(llm.failures) / \(llm.retries)"))
            let budget = llm.dailyTokenBudget == 0 ? "no budget" : "of \(llm.dailyTokenBudget)"
            rows.append(("  tokens today / total", "\(llm.tokensToday) \(budget) / \(llm.tokensTotal)"))
            rows.append(("  local fallbacks", "\(llm.localFallbacks)"))
            rows.append(("  concept backlog", Self.backlogText(llm)))
            rows.append(
                (
                    "  concept requests / tokens per message",
                    "\(llm.conceptRequests) / \(String(format: "%.0f", llm.tokensPerMessage))"
                )
            )
            rows.append(("  names pending / batch API", "\(llm.namesPending) / \(llm.batchAPI)"))
            if !llm.lastError.isEmpty {
                rows.append(("  llm last error", terminal.paint(PrintableText.escaped(llm.lastError), .red)))
            }
        }
        rows.append(
            (
                "last error",
                status.lastError.isEmpty ? "none" : terminal.paint(PrintableText.escaped(status.lastError), .red)
            )
        )
        if let run = status.latestClusteringRun {
            rows.append(("latest clustering run", runLine(run, terminal: terminal)))
            if let metrics = run.metrics {
                rows.append(("  quality", metrics.silhouetteText))
                rows.append(("  sizes", metrics.sizesText))
                rows.append(("  hierarchy", metrics.levelsText))
                rows.append(("  vs previous run", metrics.stabilityText))
                rows.append(("  lineage", run.lineageText))
            }
        } else {
            rows.append(("latest clustering run", "none"))
        }
        if let run = status.lastRun, run.id != status.latestClusteringRun?.id {
            rows.append(("last run", runLine(run, terminal: terminal)))
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
        rows.append(("version / uptime", "\(status.version) / \(uptime(status.uptimeSeconds))"))
        rows += replicaRows(status.replica, terminal: terminal)
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
            .joined(separator: "\n")
    }

    /// "120 waiting, 45/min, clears in 2m40s" (or "empty").
    static func backlogText(_ llm: LLMStatusReport) -> String {
        guard llm.backlog > 0 else { return "empty (\(llm.messagesUpgraded) upgraded)" }
        let rate = String(format: "%.0f/min", llm.backlogRatePerMinute)
        let clears =
            llm.backlogClearsInSeconds < 0 ? "clear time unknown" : "clears in \(uptime(llm.backlogClearsInSeconds))"
        return "\(llm.backlog) waiting, \(rate), \(clears)"
    }

    private static func clustering(_ status: ServiceStatus, terminal: Terminal) -> String {
        guard status.clusteringInProgress else {
            return status.followUpQueued ? "idle, a follow-up run is queued" : "idle"
        }
        let stage = status.clusteringStage.isEmpty ? "starting" : status.clusteringStage
        let text =
            "running: \(stage) \(Int(status.clusteringProgress * 100))%"
            + (status.followUpQueued ? ", a follow-up run is queued" : "")
        return terminal.paint(text, .cyan)
    }

    private static func runLine(_ run: RunSummary, terminal: Terminal) -> String {
        var text =
            "\(run.id) \(terminal.runStatus(run.status)) at \(ServiceStatus.isoText(run.createdAt)): "
            + "\(run.totalConversations) conversations, \(run.clustersCreated) clusters"
        if run.finishedAt != nil { text += ", \(RunTable.duration(milliseconds: run.durationMs))" }
        if !run.error.isEmpty {
            text += " - " + terminal.paint(PrintableText.escaped(run.error), run.status == "skipped" ? .yellow : .red)
        }
        return text
    }

    /// "42 s", "3 min", "2 h 05 min", "3 d 4 h".
    static func uptime(_ seconds: Double) -> String {
        let whole = Int(seconds)
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return "\(whole / 60) min" }
        if whole < 86400 { return String(format: "%d h %02d min", whole / 3600, (whole % 3600) / 60) }
        return "\(whole / 86400) d \((whole % 86400) / 3600) h"
    }
}
