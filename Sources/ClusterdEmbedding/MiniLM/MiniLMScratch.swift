import ClusterdCore
import Foundation

/// The scratch memory of one forward pass (activations, attention weights), kept between calls: a pass takes a
/// scratch from its embedder's pool, grows it when the batch has more tokens than it holds, and gives it back,
/// so steady-state calls allocate nothing but their result vectors. Used by one pass at a time.
final class MiniLMScratch: @unchecked Sendable {
    /// Tokens the buffers hold.
    private(set) var tokens = 0
    /// Longest text the attention scratch holds.
    private(set) var longest = 0
    /// [tokens, hidden].
    private(set) var hidden = UnsafeMutablePointer<Float>.allocate(capacity: 0)
    /// [tokens, 3·hidden].
    private(set) var qkv = UnsafeMutablePointer<Float>.allocate(capacity: 0)
    /// [tokens, hidden].
    private(set) var context = UnsafeMutablePointer<Float>.allocate(capacity: 0)
    /// [tokens, hidden].
    private(set) var update = UnsafeMutablePointer<Float>.allocate(capacity: 0)
    /// [tokens, intermediate].
    private(set) var intermediate = UnsafeMutablePointer<Float>.allocate(capacity: 0)
    /// [tokens, intermediate rounded up to 4]: quantised activations of the int8 path.
    private(set) var quantized = UnsafeMutablePointer<UInt8>.allocate(capacity: 0)
    /// [tokens, intermediate / 32 rounded up]: the scales of each quantised row (one per block of 32 inputs).
    private(set) var rowScales = UnsafeMutablePointer<Float>.allocate(capacity: 0)
    /// [workers, longest, longest]: one score matrix (or weight row) per worker.
    private(set) var scores = UnsafeMutablePointer<Float>.allocate(capacity: 0)

    /// Grows the buffers (contents not kept) to `tokens` tokens and texts of up to `longest` tokens.
    func reserve(tokens: Int, longest: Int, hidden hiddenSize: Int, intermediate intermediateSize: Int, workers: Int) {
        if tokens > self.tokens {
            let capacity = max(tokens, self.tokens * 2)
            Self.replace(&hidden, capacity * hiddenSize)
            Self.replace(&qkv, capacity * 3 * hiddenSize)
            Self.replace(&context, capacity * hiddenSize)
            Self.replace(&update, capacity * hiddenSize)
            Self.replace(&intermediate, capacity * intermediateSize)
            Self.replace(&quantized, capacity * (max(hiddenSize, intermediateSize) + 3))
            Self.replace(&rowScales, capacity * Int8Matrix.inputBlocks(max(hiddenSize, intermediateSize)))
            self.tokens = capacity
        }
        if longest > self.longest {
            let length = max(longest, 64)
            Self.replace(&scores, workers * length * length)
            self.longest = length
        }
    }

    /// Frees `buffer` and allocates `count` elements in its place.
    private static func replace<Element>(_ buffer: inout UnsafeMutablePointer<Element>, _ count: Int) {
        buffer.deallocate()
        buffer = UnsafeMutablePointer<Element>.allocate(capacity: count)
    }

    deinit {
        hidden.deallocate()
        qkv.deallocate()
        context.deallocate()
        update.deallocate()
        intermediate.deallocate()
        scores.deallocate()
        quantized.deallocate()
        rowScales.deallocate()
    }
}
