import Foundation

/// What clusterd derived from one message: stored in `message_analyses` with `_id` = the message id.
public struct MessageAnalysis: Sendable, Equatable {
    /// The analysed message's id (also the analysis document's `_id`).
    public var messageID: RecordID
    /// The message's conversation.
    public var conversationID: RecordID
    /// Key phrases, most salient first.
    public var concepts: [String]
    /// Unit-length embedding of the message text.
    public var embedding: [Float]
    /// Identifier of the embedder that produced `embedding`.
    public var embedder: String
    /// Where the concepts came from: "local" or "claude".
    public var conceptSource: String
    /// When the analysis was written.
    public var analyzedAt: Date
    /// A short topic phrase (Claude only; empty otherwise).
    public var topic: String
    /// ISO 639-1 language code (Claude only; empty otherwise).
    public var language: String
    /// The version of the prompt or extractor that produced the concepts (``ConceptExtraction/promptVersion``).
    public var promptVersion: String

    /// Creates an analysis.
    public init(
        messageID: RecordID,
        conversationID: RecordID,
        concepts: [String],
        embedding: [Float],
        embedder: String,
        conceptSource: String,
        analyzedAt: Date,
        topic: String = "",
        language: String = "",
        promptVersion: String = ""
    ) {
        self.messageID = messageID
        self.conversationID = conversationID
        self.concepts = concepts
        self.embedding = embedding
        self.embedder = embedder
        self.conceptSource = conceptSource
        self.analyzedAt = analyzedAt
        self.topic = topic
        self.language = language
        self.promptVersion = promptVersion
    }
}
