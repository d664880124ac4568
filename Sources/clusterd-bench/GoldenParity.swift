import ClusterdEmbedding
import Foundation

/// The golden fixture (sentence-transformers' token ids and embeddings) as a parity check of one configuration.
struct GoldenParity {
    /// One golden sentence.
    struct Sentence: Decodable {
        var text: String
        var token_ids: [Int32]
        var embedding: [Double]
    }

    private struct File: Decodable {
        var sentences: [Sentence]
    }

    /// The sentences.
    let sentences: [Sentence]

    /// Reads the fixture at `path`.
    init(path: String) throws {
        sentences = try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: path))).sentences
    }

    /// "token ids 20/20 identical, lowest cosine 0.9999987 (pass)": the threshold is 0.999 per sentence.
    func check(_ embedder: MiniLMEmbedder) -> String {
        let identical = sentences.filter { embedder.tokenizer.tokenIDs($0.text) == $0.token_ids }.count
        var lowest = 1.0
        for sentence in sentences {
            let vector = (try? embedder.embed([sentence.text]).first) ?? []
            let dot = zip(vector, sentence.embedding).reduce(0) { $0 + Double($1.0) * $1.1 }
            let norm = sentence.embedding.reduce(0) { $0 + $1 * $1 }.squareRoot()
            lowest = min(lowest, vector.count == sentence.embedding.count ? dot / max(norm, 1e-12) : 0)
        }
        let pass = identical == sentences.count && lowest >= 0.999
        return "token ids \(identical)/\(sentences.count) identical, lowest cosine "
            + "\(String(format: "%.7f", lowest)) (\(pass ? "pass" : "FAIL"))"
    }
}
