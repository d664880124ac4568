import ClusterdCore
import ClusterdStore
import Foundation
import Synchronization

/// Samples the store on a thread of its own (its own connection, every `interval`) for runs `running` at once, until
/// `stop()` (idempotent): the most seen in one sample, and how many samples were taken.
final class RunningRunsSampler: Sendable {
    private let store: MongoStore
    private let observed = Mutex((most: 0, samples: 0, lastError: String?.none))
    private let stopped = Atomic(false)
    private let done = DispatchSemaphore(value: 0)

    /// Starts sampling `configuration`'s database.
    init(configuration: StoreConfiguration, interval: Double = 0.05) throws {
        var own = configuration
        own.poolSize = 1
        store = try MongoStore(configuration: own)
        Thread { [self] in
            while !stopped.load(ordering: .acquiring) {
                do {
                    let running = try store.recentRuns(limit: 50).filter { $0.status == .running }.count
                    observed.withLock {
                        $0.most = max($0.most, running)
                        $0.samples += 1
                    }
                } catch {
                    observed.withLock { $0.lastError = "\(error)" }
                }
                Thread.sleep(forTimeInterval: interval)
            }
            done.signal()
        }.start()
    }

    /// Stops sampling; the most runs `running` in one sample, the samples taken and the last error (if any).
    func stop() -> (most: Int, samples: Int, lastError: String?) {
        if !stopped.exchange(true, ordering: .acquiringAndReleasing) {
            done.wait()
            store.close()
        }
        return observed.withLock { $0 }
    }
}
