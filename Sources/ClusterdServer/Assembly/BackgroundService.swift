import ClusterdService
import Foundation
import Logging
import ServiceLifecycle

/// The background service (analysis, sweep, clustering) as a service of the process group: started when the group
/// runs, stopped after both servers have drained their connections (the group stops services in reverse order), so
/// no call arrives at a stopping service.
struct BackgroundService: Service {
    let service: BackgroundClusteringService
    let logger: Logger

    func run() async throws {
        service.start()
        try? await gracefulShutdown()
        logger.info("Shutting down: connections closed; stopping the background service")
        // Waits (bounded) for in-flight analyses and a running clustering: blocking, so on a thread of its own.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                service.shutdown()
                continuation.resume()
            }
        }
    }
}
