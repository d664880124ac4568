import Foundation

/// The scratches of one embedder's idle passes (at most `limit` kept; one per concurrent caller in practice).
final class MiniLMScratchPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [MiniLMScratch] = []
    private let limit: Int

    /// A pool keeping at most `limit` idle scratches.
    init(limit: Int = 8) { self.limit = limit }

    /// Runs `body` with a scratch of its own, returned to the pool afterwards.
    func with<R>(_ body: (MiniLMScratch) -> R) -> R {
        let scratch = lock.withLock { idle.popLast() } ?? MiniLMScratch()
        defer { lock.withLock { if idle.count < limit { idle.append(scratch) } } }
        return body(scratch)
    }
}
