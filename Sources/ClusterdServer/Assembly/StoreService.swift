import ClusterdStore
import Foundation
import Logging
import ServiceLifecycle

/// MongoDB's connection pool as the first service of the process group: it does nothing until graceful shutdown,
/// and, being first, is stopped last, once the background service and both servers have stopped using it.
struct StoreService: Service {
    let store: MongoStore
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        // Closing joins libmongoc's pool: a blocking call, so on a thread of its own.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                store.close()
                continuation.resume()
            }
        }
        logger.info("clusterd stopped")
    }
}
