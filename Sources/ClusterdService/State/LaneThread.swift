import Foundation
import Synchronization

/// A lane's own thread, for work that blocks for long (a change stream, the lease's rounds, the concept backlog):
/// started at most once, named, and waited for at shutdown.
final class LaneThread: Sendable {
    /// The thread's name, as debuggers and `top -H` show it.
    let name: String
    /// Its quality of service.
    let qualityOfService: QualityOfService
    private let started = Mutex(false)
    /// Entered when the thread starts, left when its body returns.
    private let running = DispatchGroup()

    /// A thread named `name`, not started.
    init(name: String, qualityOfService: QualityOfService = .default) {
        self.name = name
        self.qualityOfService = qualityOfService
    }

    /// Runs `body` on the thread the first time it is called; false (and nothing runs) on later calls.
    @discardableResult
    func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        let first = started.withLock { started in
            defer { started = true }
            return !started
        }
        guard first else { return false }
        running.enter()
        let thread = Thread { [running] in
            body()
            running.leave()
        }
        thread.name = name
        thread.qualityOfService = qualityOfService
        thread.start()
        return true
    }

    /// Waits at most `seconds` for the body to return; true when it did (or the thread never started).
    @discardableResult
    func waitUntilStopped(within seconds: Double) -> Bool {
        running.wait(timeout: .now() + max(0, seconds)) == .success
    }
}
