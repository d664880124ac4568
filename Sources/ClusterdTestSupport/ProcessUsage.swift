import Foundation

/// CPU time of this process and of a server process, and the server's resident memory, read from /proc.
public struct ProcessUsage: Sendable {
    /// Changes since the snapshot was taken.
    public struct Delta: Sendable {
        /// This process's CPU time over wall time (1.0 = one core busy).
        public var clientCPU: Double
        /// The server's CPU time over wall time.
        public var serverCPU: Double
        /// The server's resident set size now, MiB.
        public var serverRSSMiB: Double
    }

    private let serverPID: Int32
    private let started: ContinuousClock.Instant
    private let clientTicks: Double
    private let serverTicks: Double

    /// Takes a snapshot now.
    public init(serverPID: Int32) {
        self.serverPID = serverPID
        started = .now
        clientTicks = Self.cpuSeconds(pid: getpid())
        serverTicks = Self.cpuSeconds(pid: serverPID)
    }

    /// The usage since the snapshot.
    public func delta() -> Delta {
        let wall = ContinuousClock.now - started
        let seconds = max(1e-9, Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18)
        return Delta(
            clientCPU: (Self.cpuSeconds(pid: getpid()) - clientTicks) / seconds,
            serverCPU: (Self.cpuSeconds(pid: serverPID) - serverTicks) / seconds,
            serverRSSMiB: Self.residentMiB(pid: serverPID)
        )
    }

    /// utime + stime of a process, seconds (fields 14 and 15 of /proc/PID/stat); 0 when it cannot be read.
    public static func cpuSeconds(pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// VmRSS of a process, MiB.
    static func residentMiB(pid: Int32) -> Double {
        statusMiB(pid: pid, field: "VmRSS:")
    }

    /// VmHWM of a process (its peak resident set size so far), MiB; 0 when it cannot be read.
    public static func peakResidentMiB(pid: Int32) -> Double {
        statusMiB(pid: pid, field: "VmHWM:")
    }

    /// A `kB` field of /proc/PID/status, MiB.
    private static func statusMiB(pid: Int32, field: String) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(field) {
            let digits = line.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
            return digits / 1024
        }
        return 0
    }
}
