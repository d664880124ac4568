import Foundation
import Prometheus
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The process's own metrics, read from /proc at each scrape (Prometheus's standard names):
/// `process_resident_memory_bytes`, `process_virtual_memory_bytes`, `process_cpu_seconds_total`,
/// `process_open_fds`, `process_max_fds`, `process_start_time_seconds`.
public final class ProcessMetrics: Sendable {
    private let residentMemory: Gauge
    private let virtualMemory: Gauge
    private let cpuSeconds: Counter
    private let openFDs: Gauge
    private let maxFDs: Gauge
    private let startTime: Gauge
    private let cpuRecorded = Mutex(0.0)
    private let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    private let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))

    /// Registers the series in `registry`.
    public init(registry: PrometheusCollectorRegistry) {
        residentMemory = registry.makeGauge(
            descriptor: Self.descriptor("process_resident_memory_bytes", "Resident memory size in bytes."),
            labels: []
        )
        virtualMemory = registry.makeGauge(
            descriptor: Self.descriptor("process_virtual_memory_bytes", "Virtual memory size in bytes."),
            labels: []
        )
        cpuSeconds = registry.makeCounter(
            descriptor: Self.descriptor(
                "process_cpu_seconds_total",
                "Total user and system CPU time spent in seconds."
            ),
            labels: []
        )
        openFDs = registry.makeGauge(
            descriptor: Self.descriptor("process_open_fds", "Number of open file descriptors."),
            labels: []
        )
        maxFDs = registry.makeGauge(
            descriptor: Self.descriptor("process_max_fds", "Maximum number of open file descriptors."),
            labels: []
        )
        startTime = registry.makeGauge(
            descriptor: Self.descriptor(
                "process_start_time_seconds",
                "Start time of the process since unix epoch in seconds."
            ),
            labels: []
        )
    }

    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// Reads /proc/self and sets the series. Blocking file reads: call it off the event loops.
    public func update() {
        if let stat = Self.read("/proc/self/stat"), let fields = Self.statFields(stat), fields.count > 21 {
            // Fields after the command name: [0] is state (field 3 of proc(5)), so field n is at n - 3.
            if let utime = Double(fields[11]), let stime = Double(fields[12]) {
                let total = (utime + stime) / ticksPerSecond
                let delta = cpuRecorded.withLock { recorded in
                    let delta = max(0, total - recorded)
                    recorded = max(recorded, total)
                    return delta
                }
                if delta > 0 { cpuSeconds.increment(by: delta) }
            }
            if let pages = Double(fields[21]) { residentMemory.set(to: pages * pageSize) }
            if let bytes = Double(fields[20]) { virtualMemory.set(to: bytes) }
            if let started = Double(fields[19]), let boot = Self.bootTime() {
                startTime.set(to: boot + started / ticksPerSecond)
            }
        }
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            // The directory listing itself holds one descriptor while it runs.
            openFDs.set(to: Double(max(0, entries.count - 1)))
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 { maxFDs.set(to: Double(limit.rlim_cur)) }
    }

    /// The space-separated fields after `pid (comm)` of /proc/self/stat (comm may hold spaces and parentheses).
    public static func statFields(_ text: String) -> [Substring]? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
    }

    private static func bootTime() -> Double? {
        guard let text = read("/proc/stat") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    private static func read(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }
}
