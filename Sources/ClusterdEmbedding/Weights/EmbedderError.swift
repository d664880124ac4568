import ClusterdCore

/// Why a model-backed embedder could not be built or could not embed.
public struct EmbedderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Equatable {
        /// The safetensors file is malformed (header length, JSON, offsets, dtype).
        case malformedWeights
        /// A tensor the model needs is absent or has the wrong shape.
        case missingTensor
        /// The vocabulary file is empty or lacks a special token.
        case malformedVocabulary
    }

    /// The kind of failure.
    public var code: Code
    /// For humans: names the file part, tensor or token involved.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
