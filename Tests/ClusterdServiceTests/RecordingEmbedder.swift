import ClusterdCore
import ClusterdEmbedding
import Synchronization

/// The hashing embedder, recording the texts of each call.
final class RecordingEmbedder: Embedder {
    let identifier = HashingEmbedder().identifier
    let dimension = 384
    let isFallback = false
    private let inner = HashingEmbedder()
    private let recorded = Mutex<[[String]]>([])

    func embed(_ texts: [String]) throws -> [[Float]] {
        recorded.withLock { $0.append(texts) }
        return try inner.embed(texts)
    }

    /// The texts of every call so far, in order.
    var calls: [[String]] { recorded.withLock { $0 } }
}
