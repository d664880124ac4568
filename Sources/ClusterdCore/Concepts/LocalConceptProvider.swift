/// The local key-phrase extractor as a ``ConceptProvider`` (source "local"; no topic or language).
public struct LocalConceptProvider: ConceptProvider {
    /// The extractor used.
    public var extractor: ConceptExtractor

    /// Creates a provider returning at most `limit` concepts.
    public init(limit: Int = 8) {
        extractor = ConceptExtractor(limit: limit)
    }

    /// The local extractor's version (bump it when its output changes, so analyses are redone when re-triggered).
    public static let version = "local-v1"

    /// ``LocalConceptProvider/version``.
    public var promptVersion: String { Self.version }

    /// Concepts of `text` by ``ConceptExtractor``.
    public func extract(_ text: String) -> ConceptExtraction {
        ConceptExtraction(
            concepts: extractor.concepts(in: text),
            source: ConceptExtraction.localSource,
            promptVersion: Self.version
        )
    }
}
