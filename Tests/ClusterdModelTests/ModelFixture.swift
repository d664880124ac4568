import ClusterdCore
import ClusterdEmbedding
import ClusterdModel
import Foundation
import Testing

/// The golden reference and the model, located once for every test in this target.
enum ModelFixture {
    /// One golden sentence.
    struct Golden: Decodable {
        var text: String
        var token_ids: [Int32]
        var embedding: [Double]
    }

    private struct File: Decodable {
        var sentences: [Golden]
    }

    /// The 20 golden sentences (copied from ../shared/fixtures/minilm_golden.json).
    static let golden: [Golden] = {
        guard let url = Bundle.module.url(forResource: "minilm_golden", withExtension: "json"),
            let data = try? Data(contentsOf: url),
            let file = try? JSONDecoder().decode(File.self, from: data)
        else { return [] }
        return file.sentences
    }()

    /// The package root, from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// CLUSTERD_MODEL_DIR, else the venv under the package root.
    static let locator = MiniLMModelLocator(
        overrideDirectory: ProcessInfo.processInfo.environment["CLUSTERD_MODEL_DIR"],
        searchRoots: [packageRoot]
    )

    /// True under CI=true: a missing model fails the tests instead of skipping them.
    static let isCI = ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true"

    /// The model directory when found.
    static let directory: String? = locator.locate()

    /// Run the model tests when the model is present, or under CI (where its absence is a failure).
    static let shouldRun = directory != nil || isCI

    /// Printed when the tests are skipped.
    static let skipNote =
        "all-MiniLM-L6-v2 not found (run scripts/setup, or set CLUSTERD_MODEL_DIR); model tests skipped"

    private static let loaded: Result<MiniLMEmbedder, any Error> = Result {
        guard let directory else {
            throw EmbedderError(
                .missingTensor,
                "all-MiniLM-L6-v2 not found in \(locator.candidates()) (run scripts/setup or set CLUSTERD_MODEL_DIR)"
            )
        }
        return try MiniLMModelLoader.load(directory: directory)
    }

    /// The embedder; throws (failing the test) when the model is missing or does not load.
    static func embedder() throws -> MiniLMEmbedder {
        try loaded.get()
    }

    /// A fresh embedder from the fixture's model files with these settings (`MiniLMEmbedder`'s defaults otherwise);
    /// fails the test when the model is not installed.
    static func freshEmbedder(
        maxTokensPerPass: Int = 4096,
        threads: Int? = nil,
        fusedAttentionLength: Int = 0,
        precision: MiniLMPrecision = .fp32
    ) throws -> MiniLMEmbedder {
        let directory = URL(fileURLWithPath: try #require(directory))
        return try MiniLMEmbedder(
            safetensors: Data(
                contentsOf: directory.appendingPathComponent("model.safetensors"),
                options: .alwaysMapped
            ),
            vocabulary: String(contentsOf: directory.appendingPathComponent("vocab.txt"), encoding: .utf8),
            maxTokensPerPass: maxTokensPerPass,
            threads: threads,
            fusedAttentionLength: fusedAttentionLength,
            precision: precision
        )
    }

    /// Cosine of two vectors, in Double.
    static func cosine(_ lhs: [Float], _ rhs: [Double]) -> Double {
        var dot = 0.0
        var left = 0.0
        var right = 0.0
        for index in 0..<min(lhs.count, rhs.count) {
            dot += Double(lhs[index]) * rhs[index]
            left += Double(lhs[index]) * Double(lhs[index])
            right += rhs[index] * rhs[index]
        }
        return dot / max((left * right).squareRoot(), 1e-30)
    }
}
