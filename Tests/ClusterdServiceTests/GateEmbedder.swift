import ClusterdCore
import ClusterdEmbedding
import Foundation
import Synchronization

/// The hashing embedder behind a gate that can be closed and opened again (calls wait while it is closed); a call
/// with a text containing "poison" throws.
final class GateEmbedder: Embedder {
    struct Poisoned: Error {}

    struct State {
        var open = true
        var waiting = 0
    }

    let identifier = "gate"
    let dimension = 384
    let isFallback = false
    private let state = Mutex(State())
    private let inner = HashingEmbedder()

    func embed(_ texts: [String]) throws -> [[Float]] {
        state.withLock { $0.waiting += 1 }
        defer { state.withLock { $0.waiting -= 1 } }
        let deadline = Date().addingTimeInterval(30)
        while !state.withLock({ $0.open }) && Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
        if texts.contains(where: { $0.contains("poison") }) { throw Poisoned() }
        return try inner.embed(texts)
    }

    /// Calls waiting at the gate (or running).
    var waiting: Int { state.withLock { $0.waiting } }
    /// Holds every later call until `open()`.
    func close() { state.withLock { $0.open = false } }
    /// Lets calls through.
    func open() { state.withLock { $0.open = true } }
}
