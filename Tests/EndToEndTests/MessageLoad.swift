import ClusterdStore
import Foundation
import Synchronization

/// Host load on a thread of its own: a small corpus (three conversations of four messages) inserted every
/// `interval` until `stop()` (idempotent), which returns how many messages went in.
final class MessageLoad: Sendable {
    private let inserted = Mutex((messages: 0, lastError: String?.none))
    private let stopped = Atomic(false)
    private let done = DispatchSemaphore(value: 0)

    /// Starts inserting into `store`.
    init(into store: MongoStore, interval: Double = 0.1) {
        Thread { [self] in
            while !stopped.load(ordering: .acquiring) {
                let batch = Corpus(conversationsPerTopic: 1, messagesPerConversation: 4)
                do {
                    try batch.insert(into: store)
                    inserted.withLock { $0.messages += batch.messages.count }
                } catch {
                    inserted.withLock { $0.lastError = "\(error)" }
                }
                Thread.sleep(forTimeInterval: interval)
            }
            done.signal()
        }.start()
    }

    /// Stops the load; the messages inserted, and the last insert's error if one failed.
    func stop() -> (messages: Int, lastError: String?) {
        if !stopped.exchange(true, ordering: .acquiringAndReleasing) { done.wait() }
        return inserted.withLock { $0 }
    }
}
