import ClusterdCore

/// The last-resort embedder: feature hashing of words, word pairs and character trigrams, no model needed.
///
/// Text is lower-cased and split into word tokens (Unicode letters and digits). Each feature is hashed with 64-bit
/// FNV-1a over its UTF-8 bytes, so the same text gives the same vector in every process and on every platform:
/// the low bits pick a bucket, the top bit a sign (+1/-1), which keeps collisions unbiased. Features and weights:
/// word unigrams 1.0 (stop words 0.2), adjacent word bigrams 0.6 (skipped when both words are stop words), and
/// character trigrams of each non-stop word, padded as `<word>`, sharing a weight of 0.6 per word so inflections
/// ("refund", "refunds") land close. The sum is L2-normalised.
///
/// Text with no word tokens (empty, punctuation only) gets a fixed unit vector: +1 in the bucket of the hash of
/// "<empty>", so downstream cosine math never divides by zero.
public struct HashingEmbedder: Embedder {
    /// "hashing-v1": bump when features, weights or hash change, since stored vectors stop being comparable.
    public let identifier = "hashing-v1"
    /// Length of every vector.
    public let dimension: Int
    /// Always true: this embedder is the degraded fallback.
    public let isFallback = true

    private static let unigramWeight: Float = 1.0
    private static let stopWordWeight: Float = 0.2
    private static let bigramWeight: Float = 0.6
    private static let trigramWeightPerWord: Float = 0.6

    /// Creates an embedder with `dimension` buckets (at least 1; 384 matches all-MiniLM-L6-v2).
    public init(dimension: Int = 384) {
        self.dimension = max(1, dimension)
    }

    /// Embeds each text; never throws.
    public func embed(_ texts: [String]) throws -> [[Float]] {
        texts.map(vector(for:))
    }

    /// The unit vector of one text.
    public func vector(for text: String) -> [Float] {
        var vector = [Float](repeating: 0, count: dimension)
        let words = TextTokenizer.words(text)
        let isStop = words.map(StopWords.contains)

        for (index, word) in words.enumerated() {
            add("w:" + word, weight: isStop[index] ? Self.stopWordWeight : Self.unigramWeight, to: &vector)
            if index > 0, !(isStop[index] && isStop[index - 1]) {
                add("b:" + words[index - 1] + " " + word, weight: Self.bigramWeight, to: &vector)
            }
            if !isStop[index] {
                let padded = Array(("<" + word + ">").unicodeScalars)
                let count = padded.count - 2
                if count > 0 {
                    let weight = Self.trigramWeightPerWord / Float(count)
                    for start in 0..<count {
                        var trigram = String.UnicodeScalarView()
                        trigram.append(contentsOf: padded[start..<(start + 3)])
                        add("t:" + String(trigram), weight: weight, to: &vector)
                    }
                }
            }
        }

        if VectorMath.normalize(&vector) == 0 {
            vector = [Float](repeating: 0, count: dimension)
            vector[Int(FNV1a.hash("<empty>") % UInt64(dimension))] = 1
        }
        return vector
    }

    private func add(_ feature: String, weight: Float, to vector: inout [Float]) {
        let hash = FNV1a.hash(feature)
        let bucket = Int(hash % UInt64(dimension))
        vector[bucket] += (hash >> 63) == 0 ? weight : -weight
    }
}
