/// One conversation as the clustering engine sees it: its analysed messages' embeddings and concepts.
public struct ConversationInput: Sendable, Equatable {
    /// The conversation's id.
    public var id: RecordID
    /// One embedding per analysed message.
    public var embeddings: [[Float]]
    /// One concept list per analysed message.
    public var concepts: [[String]]

    /// Creates a conversation input.
    public init(id: RecordID, embeddings: [[Float]], concepts: [[String]]) {
        self.id = id
        self.embeddings = embeddings
        self.concepts = concepts
    }

    /// The conversation vector: the L2-normalised mean of its message embeddings of length `dimension`.
    ///
    /// Every message weighs the same, whatever its length or role (each embedding is normalised before averaging),
    /// so a long message does not drown out the rest. Embeddings of another length (another embedder) are ignored.
    /// A conversation with no usable embedding, or whose embeddings cancel out, gets the zero vector.
    public func vector(dimension: Int) -> [Float] {
        var sum = [Double](repeating: 0, count: max(0, dimension))
        for embedding in embeddings where embedding.count == dimension {
            let unit = VectorMath.normalized(embedding)
            for index in 0..<dimension { sum[index] += Double(unit[index]) }
        }
        var mean = sum.map { Float($0) }
        VectorMath.normalize(&mean)
        return mean
    }

    /// The distinct concepts of the conversation (trimmed, lower-case), in first-seen order.
    public var distinctConcepts: [String] {
        var seen = Set<String>()
        var result: [String] = []
        for concept in concepts.joined() {
            let normalized = ConceptText.normalize(concept)
            if !normalized.isEmpty, seen.insert(normalized).inserted { result.append(normalized) }
        }
        return result
    }
}
