import ClusterdCore
import ClusterdEmbedding
import Foundation

/// Reads the model files of a directory (the weights memory-mapped) and builds the native embedder.
public enum MiniLMModelLoader {
    /// Loads `model.safetensors` and `vocab.txt` from `directory`. Throws the file error when one cannot be read,
    /// or `EmbedderError` when the contents are unusable. `threads` and `precision` as in `MiniLMEmbedder`.
    public static func load(
        directory: String,
        threads: Int? = nil,
        precision: MiniLMPrecision = .fp32
    ) throws -> MiniLMEmbedder {
        let base = URL(fileURLWithPath: directory)
        let weights = try Data(contentsOf: base.appendingPathComponent("model.safetensors"), options: .alwaysMapped)
        let vocabulary = try String(contentsOf: base.appendingPathComponent("vocab.txt"), encoding: .utf8)
        return try MiniLMEmbedder(
            safetensors: weights,
            vocabulary: vocabulary,
            threads: threads,
            precision: precision
        )
    }
}
