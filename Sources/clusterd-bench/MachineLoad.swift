import Foundation

/// The machine's load average as `uptime` prints it (from /proc/loadavg), and whether it is quiet enough for a
/// ratio: a bench started above `quietLimit` prints its numbers but no ratio.
struct MachineLoad {
    /// Above this one-minute load the machine is not quiet.
    static let quietLimit = 1.0
    /// One-, five- and fifteen-minute load averages.
    let averages: [Double]

    /// Reads /proc/loadavg now (empty when unreadable, e.g. not Linux).
    static func now() -> MachineLoad {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return MachineLoad(averages: text.split(separator: " ").prefix(3).compactMap { Double($0) })
    }

    /// "load average: 0.12, 0.30, 0.41" (uptime's words), or "load average: unknown".
    var line: String {
        guard !averages.isEmpty else { return "load average: unknown" }
        return "load average: " + averages.map { String(format: "%.2f", $0) }.joined(separator: ", ")
    }

    /// True when the one-minute average is known and at most `quietLimit`.
    var isQuiet: Bool { (averages.first ?? .infinity) <= Self.quietLimit }
}
