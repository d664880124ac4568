import ClusterdEmbedding
import Foundation

/// One way of running the native embedder in the bench: the workers of one forward pass (`threadsPerCall`) and
/// how many callers embed batches side by side (`callers`, as the service's analysis workers do). "2x1" is two
/// threads per call, one caller; "1x2" one thread per call, two callers; a ":int8" suffix (or ":int8All") runs the
/// Linear layers that precision quantises in int8 (`MiniLMPrecision`).
struct BenchConfiguration {
    /// Workers of one forward pass.
    let threadsPerCall: Int
    /// Concurrent callers.
    let callers: Int
    /// The Linear layers' arithmetic.
    let precision: MiniLMPrecision

    /// Parses "2x1" or "1x2:int8" (threads per call, callers, and optionally the precision).
    init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1)
        let shape = (parts.first ?? "").split(separator: "x").compactMap { Int($0) }
        guard shape.count == 2, shape.allSatisfy({ $0 > 0 }),
            let precision = parts.count == 2 ? MiniLMPrecision(rawValue: String(parts[1])) : .fp32
        else {
            throw BenchError("a configuration is THREADSxCALLERS[:fp32|int8|int8All] (e.g. 2x1), not \(text)")
        }
        threadsPerCall = shape[0]
        callers = shape[1]
        self.precision = precision
    }

    /// The bench's default list: two threads per call, and one thread per call with two callers, in fp32 and with
    /// the int8 option.
    static let defaults = ["2x1", "1x2", "2x1:int8", "1x2:int8"]

    /// "clusterd, 2 threads per call" or "clusterd int8, 1 thread per call × 2 callers".
    var label: String {
        let threads = "\(threadsPerCall) thread\(threadsPerCall == 1 ? "" : "s") per call"
        let engine = precision == .fp32 ? "clusterd" : "clusterd \(precision.rawValue)"
        return "\(engine), \(threads)" + (callers > 1 ? " × \(callers) callers" : "")
    }

    /// Seconds to embed every text in batches of `batch` (in the order given), tokenizer included, the batches
    /// taken in turn by `callers` threads.
    func seconds(embedder: MiniLMEmbedder, texts: [String], batch: Int) -> Double {
        let batches = stride(from: 0, to: texts.count, by: batch).map {
            Array(texts[$0..<min(texts.count, $0 + batch)])
        }
        let start = DispatchTime.now().uptimeNanoseconds
        if callers == 1 {
            for texts in batches { Self.consume(try? embedder.embed(texts)) }
        } else {
            let cursor = BatchCursor(count: batches.count)
            DispatchQueue.concurrentPerform(iterations: callers) { _ in
                while let index = cursor.next() { Self.consume(try? embedder.embed(batches[index])) }
            }
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    private static func consume(_ vectors: [[Float]]?) {
        precondition(vectors?.first?.first?.isFinite ?? true)
    }
}

/// Hands out batch indices to concurrent callers.
final class BatchCursor: @unchecked Sendable {
    private let lock = NSLock()
    private var position = 0
    private let count: Int

    /// A cursor over `0..<count`.
    init(count: Int) { self.count = count }

    /// The next index, nil when all are taken.
    func next() -> Int? {
        lock.withLock {
            guard position < count else { return nil }
            defer { position += 1 }
            return position
        }
    }
}
