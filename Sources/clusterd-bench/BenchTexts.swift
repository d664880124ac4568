import ClusterdCore
import Foundation

/// The benchmark's texts and its timing loop.
enum BenchTexts {
    /// The `text` of each JSON line of `path`, at most `limit`.
    static func load(path: String, limit: Int) throws -> [String] {
        let content = try String(contentsOfFile: path, encoding: .utf8)
        var texts: [String] = []
        for line in content.split(separator: "\n") where texts.count < limit {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let text = object["text"] as? String
            else { throw BenchError("a line without a \"text\" string") }
            texts.append(text)
        }
        guard !texts.isEmpty else { throw BenchError("no texts") }
        return texts
    }

    /// Seconds to embed every text in batches of `batch` (texts in the order given), tokenizer included.
    static func seconds(embedder: any Embedder, texts: [String], batch: Int) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        var index = 0
        var checksum: Float = 0
        while index < texts.count {
            let end = min(index + batch, texts.count)
            let vectors = (try? embedder.embed(Array(texts[index..<end]))) ?? []
            checksum += vectors.first?.first ?? 0
            index = end
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        precondition(checksum.isFinite)
        return seconds
    }
}
