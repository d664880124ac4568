/// The concepts of one message and where they came from.
public struct ConceptExtraction: Sendable, Equatable {
    /// Key phrases, most salient first.
    public var concepts: [String]
    /// A short topic phrase; empty when the source gives none (the local extractor).
    public var topic: String
    /// The message's language as an ISO 639-1 code; empty when unknown.
    public var language: String
    /// Who produced them: ``ConceptExtraction/localSource`` or ``ConceptExtraction/claudeSource``.
    public var source: String
    /// The version of the extractor or prompt that produced them (stored as the analysis's `prompt_version`: a
    /// message re-triggered with the same embedder and prompt version is not analysed again).
    public var promptVersion: String
    /// One sentence on what the message asks or says; empty when the source gives none (the local extractor, the
    /// single-message prompt).
    public var summary: String = ""

    /// `concept_source` of the local key-phrase extractor.
    public static let localSource = "local"
    /// `concept_source` of Claude.
    public static let claudeSource = "claude"

    /// Creates an extraction.
    public init(concepts: [String], topic: String = "", language: String = "", source: String, promptVersion: String) {
        self.concepts = concepts
        self.topic = topic
        self.language = language
        self.source = source
        self.promptVersion = promptVersion
    }
}
