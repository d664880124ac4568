import Foundation

/// The rounds' measurements, and the summary printed after them: medians with their spread, the embedder ratio, and
/// the issue's targets beside what was measured.
struct IngestReport {
    /// Rounds run.
    let rounds: Int
    /// Each scenario's measurements, in the order scenarios first ran.
    private(set) var measurements: [(scenario: IngestScenario, rounds: [ScenarioMeasurement])] = []
    /// The embedder's own rate per round (texts/s).
    private(set) var embedderRates: [Double] = []
    /// Scenarios that could not be measured.
    private(set) var failures: [String] = []

    /// Creates an empty report.
    init(rounds: Int) {
        self.rounds = rounds
    }

    /// Adds one round of a scenario.
    mutating func add(_ measurement: ScenarioMeasurement) {
        if let index = measurements.firstIndex(where: { $0.scenario == measurement.scenario }) {
            measurements[index].rounds.append(measurement)
        } else {
            measurements.append((measurement.scenario, [measurement]))
        }
    }

    /// Adds one round's embedder rate.
    mutating func addEmbedderRate(_ rate: Double) {
        embedderRates.append(rate)
    }

    /// Records a scenario that failed.
    mutating func addFailure(_ scenario: IngestScenario, _ error: Error) {
        failures.append("\(scenario.label): \(error)")
    }

    /// The summary lines.
    var summary: [String] {
        var lines = ["Summary (median over \(rounds) round(s); with more, the range and ± half of it):"]
        for (scenario, rounds) in measurements {
            let spread = { (value: (ScenarioMeasurement) -> Double) in Spread(rounds.map(value)) }
            let rate = spread(\.rate).text("%.0f", rounds: rounds.count)
            let clusterd = spread(\.clusterdPerThousand).text("%.3f", rounds: rounds.count)
            let store = spread(\.storePerThousand).text("%.3f", rounds: rounds.count)
            let clusterdShare = spread { $0.clusterdCPU / $0.wallSeconds * 100 }.median
            let storeShare = spread { $0.storeCPU / $0.wallSeconds * 100 }.median
            let peak = rounds.map(\.clusterdPeakMiB).max() ?? 0
            lines.append("  \(scenario.label), \(scenario.messages) messages:")
            lines.append("    \(rate) messages/s; wall \(spread(\.wallSeconds).text("%.1f", rounds: rounds.count)) s")
            lines.append("    CPU s per 1,000 messages: clusterd \(clusterd), store \(store)")
            lines.append(
                String(
                    format: "    CPU split over the window: clusterd %.0f%% of a core, store %.0f%% (%@); "
                        + "clusterd peak RSS %.0f MiB",
                    clusterdShare,
                    storeShare,
                    (storeShare > clusterdShare ? "the store is the busier" : "clusterd is the busier") as NSString,
                    peak
                )
            )
        }
        lines += targets
        if !failures.isEmpty { lines.append("FAILED: " + failures.joined(separator: "\n        ")) }
        return lines
    }

    /// The issue's targets against the medians.
    private var targets: [String] {
        var lines = ["Targets (issue 12):"]
        for (scenario, rounds) in measurements {
            let rate = Spread(rounds.map(\.rate)).median
            switch scenario.embedder {
            case .hashing:
                lines.append(
                    String(
                        format: "  %@: %.0f messages/s, target ≥ 1000: %@",
                        scenario.label as NSString,
                        rate,
                        (rate >= 1000 ? "met" : "NOT met") as NSString
                    )
                )
                let peak = rounds.map(\.clusterdPeakMiB).max() ?? 0
                lines.append(
                    String(
                        format: "    clusterd peak RSS %.0f MiB at %d messages (target for 1,000,000: < 1024 MiB)",
                        peak,
                        scenario.messages
                    )
                )
            case .miniLM:
                guard !embedderRates.isEmpty else { continue }
                let own = Spread(embedderRates).median
                let ratios = zip(rounds, embedderRates).map { $0.rate / $1 }
                lines.append(
                    String(
                        format: "  %@: %.0f messages/s ÷ embedder's own %.0f texts/s = %@, target ≥ 0.90: %@",
                        scenario.label as NSString,
                        rate,
                        own,
                        Spread(ratios).text("%.2f", rounds: ratios.count) as NSString,
                        (rate / own >= 0.9 ? "met" : "NOT met") as NSString
                    )
                )
            }
        }
        return lines
    }
}
