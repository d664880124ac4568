/// Local key-phrase extraction (RAKE-style), used when no LLM is configured or it fails.
///
/// The text is lower-cased and split into word tokens; stop words, pure numbers, one-character tokens and phrase
/// punctuation delimit candidates. A candidate is a maximal run of remaining words, cut into pieces of at most
/// `maxPhraseLength` words. Each word scores `frequency + degree / frequency` (frequency: occurrences in
/// candidates; degree: summed lengths of the candidates it occurs in), a phrase scores the sum of its words' scores,
/// and a phrase seen more than once keeps its best occurrence. Ties go to the earlier phrase in the text, so the
/// result is deterministic.
public struct ConceptExtractor: Sendable {
    /// Most concepts returned.
    public var limit: Int
    /// Longest phrase, in words.
    public var maxPhraseLength: Int

    /// Creates an extractor.
    public init(limit: Int = 8, maxPhraseLength: Int = 3) {
        self.limit = max(0, limit)
        self.maxPhraseLength = max(1, maxPhraseLength)
    }

    /// Up to `limit` distinct concepts of `text`, best first.
    public func concepts(in text: String) -> [String] {
        guard limit > 0 else { return [] }
        let candidates = candidatePhrases(in: text)
        guard !candidates.isEmpty else { return [] }

        var frequency: [String: Int] = [:]
        var degree: [String: Int] = [:]
        for phrase in candidates {
            for word in phrase {
                frequency[word, default: 0] += 1
                degree[word, default: 0] += phrase.count
            }
        }

        var best: [String: (score: Double, position: Int)] = [:]
        for (position, phrase) in candidates.enumerated() {
            let score = phrase.reduce(0.0) { sum, word in
                let count = Double(frequency[word] ?? 1)
                return sum + count + Double(degree[word] ?? 0) / count
            }
            let key = phrase.joined(separator: " ")
            if let existing = best[key], existing.score >= score { continue }
            best[key] = (score, best[key]?.position ?? position)
        }

        let ranked = best.sorted { lhs, rhs in
            if lhs.value.score != rhs.value.score { return lhs.value.score > rhs.value.score }
            if lhs.value.position != rhs.value.position { return lhs.value.position < rhs.value.position }
            return lhs.key < rhs.key
        }
        return ranked.prefix(limit).map(\.key)
    }

    /// Candidate phrases in text order.
    func candidatePhrases(in text: String) -> [[String]] {
        var phrases: [[String]] = []
        for segment in TextTokenizer.segments(text) {
            var run: [String] = []
            for token in segment + [""] {
                if isContentWord(token) {
                    run.append(token)
                    continue
                }
                var start = 0
                while start < run.count {
                    let end = min(run.count, start + maxPhraseLength)
                    phrases.append(Array(run[start..<end]))
                    start = end
                }
                run = []
            }
        }
        return phrases
    }

    private func isContentWord(_ token: String) -> Bool {
        token.unicodeScalars.count > 1 && !StopWords.contains(token) && !TextTokenizer.isNumeric(token)
    }
}
