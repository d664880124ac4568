import ClusterdCore
import ClusterdModel
import ClusterdTestSupport
import Foundation

/// The embedder's own rate, in this process: MiniLM loaded as clusterd loads it (one thread per forward pass, from
/// `.venv` or `CLUSTERD_MODEL_DIR`), embedding the scenario's texts in batches of 32 on as many threads as clusterd
/// has analysis workers — clusterd's analysis without MongoDB, RPC or bookkeeping.
struct EmbedderRate {
    /// The embedder.
    let embedder: any Embedder
    /// Where the model came from.
    let detail: String

    /// Texts per embedding call, as clusterd's micro-batches (`embeddingBatchSize`).
    static let batchSize = 32

    /// Loads MiniLM; throws when only the fallback is available.
    init(modelDirectory: String?) throws {
        let locator = MiniLMModelLocator(
            overrideDirectory: modelDirectory,
            searchRoots: MiniLMModelLocator.defaultSearchRoots(
                workingDirectory: FileManager.default.currentDirectoryPath,
                executablePath: CommandLine.arguments[0]
            )
        )
        let choice = EmbedderChoice.choose(locator, threads: 1)
        guard choice.modelDirectory != nil else {
            throw IngestBenchError("MiniLM is not available (\(choice.detail)); run scripts/setup")
        }
        embedder = choice.embedder
        detail = choice.detail
    }

    /// Texts per second embedding `texts` on `workers` threads, each taking the next batch of `batchSize`, after a
    /// short warm-up, and this process's CPU seconds per 1,000 texts meanwhile. Runs on threads of its own.
    func measure(texts: [String], workers: Int) async throws -> (rate: Double, cpuPerThousand: Double) {
        let embedder = self.embedder
        return try await onOwnThread {
            _ = try embedder.embed(Array(texts.prefix(Self.batchSize)))
            let next = NSLock()
            nonisolated(unsafe) var cursor = 0
            nonisolated(unsafe) var failure: Error?
            let group = DispatchGroup()
            let started = ContinuousClock.now
            let cpu = ProcessUsage.cpuSeconds(pid: getpid())
            for _ in 0..<max(1, workers) {
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    while true {
                        let start: Int = next.withLock {
                            defer { cursor += Self.batchSize }
                            return cursor
                        }
                        guard start < texts.count else { return }
                        do {
                            _ = try embedder.embed(Array(texts[start..<min(texts.count, start + Self.batchSize)]))
                        } catch {
                            next.withLock { failure = error }
                            return
                        }
                    }
                }
            }
            group.wait()
            if let failure = next.withLock({ failure }) { throw failure }
            let rate = Double(texts.count) / IngestClock.seconds(since: started)
            return (rate, (ProcessUsage.cpuSeconds(pid: getpid()) - cpu) * 1000 / Double(texts.count))
        }
    }
}
