import ClusterdCore
import ClusterdEmbedding
import Foundation
import Synchronization

/// The hashing embedder behind a gate that can be closed and opened again (calls wait while it is closed); a call
/// with a text containing "poison" throws.
final class GateEmbedder: Embedder {
    struct Poisoned: Error {}

    let identifier = "gate"
    let dimension = 384
    let isFallback = false
    private let waitingCalls = Mutex(0)
    private let gate = Gate(open: true)
    private let inner = HashingEmbedder()

    func embed(_ texts: [String]) throws -> [[Float]] {
        waitingCalls.withLock { $0 += 1 }
        defer { waitingCalls.withLock { $0 -= 1 } }
        gate.pass()
        if texts.contains(where: { $0.contains("poison") }) { throw Poisoned() }
        return try inner.embed(texts)
    }

    /// Calls waiting at the gate (or running).
    var waiting: Int { waitingCalls.withLock { $0 } }
    /// Holds every later call until `open()`.
    func close() { gate.close() }
    /// Lets calls through.
    func open() { gate.open() }
}
