import ClusterdCore
import ClusterdModel
import ClusterdRPC
import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd {
    @Suite("Embedder selection")
    struct EmbedderSelection {
        /// The model under the package root's .venv (where `make test` installs it), as clusterd finds it from
        /// its executable's location.
        static let modelDirectory = MiniLMModelLocator(
            searchRoots: [
                URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                    .deletingLastPathComponent().path
            ]
        ).locate()
        static let isCI = ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true"

        @Test(
            "with no configuration clusterd finds all-MiniLM-L6-v2 in the project's .venv and embeds with it",
            .enabled(
                if: modelDirectory != nil || isCI,
                "all-MiniLM-L6-v2 not installed (run scripts/setup); skipped outside CI"
            )
        )
        func modelFoundWithoutConfiguration() async throws {
            let directory = try #require(Self.modelDirectory, "all-MiniLM-L6-v2 is missing: run scripts/setup")
            try await ServerProcess.with(store: try EmbeddedMongo.configuration()) { server in
                let client = try await server.connect()
                let status = try await client.status()
                #expect(status.embedder == "all-MiniLM-L6-v2")
                #expect(!status.degraded.contains("embedder:fallback"))
                #expect(
                    URL(fileURLWithPath: status.embedderDetail).standardizedFileURL.resolvingSymlinksInPath()
                        == URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath()
                )
                #expect(!logLines(server.stderr, containing: "Embedder all-MiniLM-L6-v2 loaded from").isEmpty)
                await client.close()
            }
        }

        @Test("a missing model starts clusterd on the hashing fallback, loudly, and status says why")
        func missingModelFallsBack() async throws {
            try await ServerProcess.with(
                store: try EmbeddedMongo.configuration(),
                environment: ["CLUSTERD_MODEL_DIR": "/nonexistent/minilm-model"]
            ) { server in
                let client = try await server.connect()
                let status = try await client.status()
                #expect(status.embedder == "hashing-v1")
                #expect(status.degraded.contains("embedder:fallback"))
                #expect(status.embedderDetail.hasPrefix("fallback: "))
                #expect(status.embedderDetail.contains("CLUSTERD_MODEL_DIR=/nonexistent/minilm-model"))
                #expect(!logLines(server.stderr, level: "ERROR", containing: "EMBEDDER FALLBACK").isEmpty)
                await client.close()
            }
        }
    }
}
