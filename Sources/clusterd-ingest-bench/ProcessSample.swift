import ClusterdTestSupport
import Foundation

/// CPU seconds of clusterd, the store and this process at one instant, to take differences over a timed window.
struct ProcessSample {
    /// When it was taken.
    let at: ContinuousClock.Instant
    /// clusterd's utime + stime, seconds.
    let clusterd: Double
    /// The store's (secantusd-py) utime + stime, seconds.
    let store: Double
    /// This process's utime + stime, seconds.
    let bench: Double

    /// Samples the processes now.
    init(clusterdPID: Int32, storePID: Int32) {
        at = .now
        clusterd = ProcessUsage.cpuSeconds(pid: clusterdPID)
        store = ProcessUsage.cpuSeconds(pid: storePID)
        bench = ProcessUsage.cpuSeconds(pid: getpid())
    }
}
