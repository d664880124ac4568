import Foundation

/// Wall time and the machine's load, as the bench prints them.
enum IngestClock {
    /// Seconds from `start` until now.
    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// `uptime`'s load averages (1, 5 and 15 minutes), from /proc/loadavg.
    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        let fields = text.split(separator: " ").prefix(3)
        return fields.count == 3 ? "load average: " + fields.joined(separator: ", ") : "load average: unknown"
    }
}
