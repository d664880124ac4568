import Foundation

/// What `message_analyses` holds for one message before it is analysed: enough to decide whether to analyse it
/// (``AnalysisClaimRule``) without reading its embedding.
public struct AnalysisState: Sendable, Equatable {
    /// Attempts counted so far (each counted before its work).
    public var attempts: Int
    /// When the message was last analysed; nil when it never was (only attempts or errors recorded).
    public var analyzedAt: Date?
    /// The embedder of the stored analysis; nil when there is none.
    public var embedder: String?
    /// The prompt version of the stored analysis's concepts; nil when there is none.
    public var promptVersion: String?
    /// The message was given up (`failed: true`).
    public var failed: Bool
    /// The process holding a claim on the message, if any (it may have expired).
    public var claimOwner: String?
    /// When that claim expires.
    public var claimExpiresAt: Date?

    /// Creates a state; the defaults describe a message with no analysis document.
    public init(
        attempts: Int = 0,
        analyzedAt: Date? = nil,
        embedder: String? = nil,
        promptVersion: String? = nil,
        failed: Bool = false,
        claimOwner: String? = nil,
        claimExpiresAt: Date? = nil
    ) {
        self.attempts = attempts
        self.analyzedAt = analyzedAt
        self.embedder = embedder
        self.promptVersion = promptVersion
        self.failed = failed
        self.claimOwner = claimOwner
        self.claimExpiresAt = claimExpiresAt
    }

    /// The message has an analysis of any embedder.
    public var isAnalysed: Bool { analyzedAt != nil }
}
