import Foundation

/// What one round of one scenario measured, from clusterd's readiness (sweep) or the first trigger (triggered) until
/// its status counted every message analysed.
struct ScenarioMeasurement {
    /// The scenario.
    var scenario: IngestScenario
    /// Wall seconds of the timed window.
    var wallSeconds: Double
    /// clusterd's CPU seconds in the window.
    var clusterdCPU: Double
    /// The store's CPU seconds in the window.
    var storeCPU: Double
    /// This process's CPU seconds in the window (trigger calls, status polls).
    var benchCPU: Double
    /// clusterd's peak resident set (VmHWM over its whole life), MiB.
    var clusterdPeakMiB: Double
    /// The store's peak resident set, MiB.
    var storePeakMiB: Double
    /// Messages the catch-up sweep queued (status `swept_total`, warm-up excluded).
    var swept: Int
    /// Messages whose analysis failed for good.
    var failed: Int
    /// Trigger items refused with RESOURCE_EXHAUSTED and retried (triggered scenarios).
    var refusedTriggers: Int
    /// Seconds the TriggerAnalysisBatch calls took until the last id was accepted (triggered scenarios).
    var triggerSeconds: Double
    /// Clustering runs that started in the window (the settings should leave none): status and trigger reason.
    var runsInWindow: [String]
    /// Whether the store kept its data in memory (else in a temporary directory).
    var storeInMemory: Bool
    /// The embedder clusterd reported.
    var embedder: String
    /// clusterd's analysis workers.
    var analysisWorkers: Int

    /// Messages per second.
    var rate: Double { Double(scenario.messages) / max(wallSeconds, 1e-9) }
    /// clusterd's CPU seconds per 1,000 messages.
    var clusterdPerThousand: Double { clusterdCPU * 1000 / Double(scenario.messages) }
    /// The store's CPU seconds per 1,000 messages.
    var storePerThousand: Double { storeCPU * 1000 / Double(scenario.messages) }

    /// The header matching `row`.
    static let header =
        "scenario                      msgs    msg/s   wall s  clusterd s/1k  store s/1k  clusterd%  store%  bench%  "
        + "clusterd HWM MiB  store HWM MiB"

    /// One line: rate, CPU per 1,000 messages and as a share of a core over the window, peak memory.
    var row: String {
        let share = { (cpu: Double) in String(format: "%5.0f%%", cpu * 100 / max(self.wallSeconds, 1e-9)) }
        return scenario.label.padding(toLength: 26, withPad: " ", startingAt: 0)
            + String(
                format: "%8d %8.0f %8.1f %14.3f %11.3f %10@ %7@ %7@ %17.0f %14.0f",
                scenario.messages,
                rate,
                wallSeconds,
                clusterdPerThousand,
                storePerThousand,
                share(clusterdCPU) as NSString,
                share(storeCPU) as NSString,
                share(benchCPU) as NSString,
                clusterdPeakMiB,
                storePeakMiB
            )
    }

    /// A line of what else happened: the sweep's and the triggers' part, failures, runs in the window.
    var notes: String {
        var parts = [
            "embedder \(embedder), \(analysisWorkers) analysis workers",
            "store \(storeInMemory ? "in memory" : "on disk")",
            "sweep queued \(swept)",
        ]
        if scenario.arrival == .trigger {
            parts.append(
                String(
                    format: "triggers accepted in %.1f s, %d refused as queue-full and retried",
                    triggerSeconds,
                    refusedTriggers
                )
            )
        }
        if failed > 0 { parts.append("\(failed) FAILED") }
        if !runsInWindow.isEmpty {
            parts.append("clustering runs in the window: " + runsInWindow.joined(separator: ", "))
        }
        return "    " + parts.joined(separator: "; ")
    }
}
