// clusterd-ingest-bench (make bench-ingest): ingest at volume through a release clusterd, each scenario on a fresh
// embedded store (a SecantusDB process of its own; in memory up to 200,000 messages, on disk above, see --store):
//
// 1. hashing embedder, sweep backfill: N messages inserted before clusterd starts; timed until its status counts
//    them all analysed (its catch-up sweep finds them, at the production timer).
// 2. hashing embedder, triggered: N messages inserted while clusterd runs with a day-long timer (no sweep finds
//    them), every id sent through TriggerAnalysisBatch (1,000 a call; queue-full refusals retried).
// 3. MiniLM (from .venv), MINILM_N messages, both ways; and MiniLM's own rate on the same texts in this process
//    (batches of 32, as many threads as clusterd's analysis workers), with the ratio ingest ÷ embedder.
//
// Each prints messages/s, CPU seconds per 1,000 messages of clusterd and of the store (utime + stime from
// /proc/PID/stat), each one's share of a core, clusterd's peak RSS (VmHWM) and the wall time; rounds alternate the
// scenarios, and the summary gives medians with their range. Inserting is not timed. Automatic clustering is kept
// out of the window (see ScenarioRunner). Options: IngestOptions.usage.
import ClusterdTestSupport
import Foundation

/// Prints a line at once (unbuffered, also into a file or pipe).
func say(_ line: String = "") {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Exits with `problem` on stderr.
func fail(_ problem: String, code: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("clusterd-ingest-bench: \(problem)\n".utf8))
    exit(code)
}

let options: IngestOptions
do {
    options = try IngestOptions(arguments: Array(CommandLine.arguments.dropFirst()))
} catch {
    fail("\(error)\n\(IngestOptions.usage)", code: 2)
}
let root = TestBinaries.packageRoot.path
let clusterdPath =
    options.clusterdPath ?? ProcessInfo.processInfo.environment["CLUSTERD_BIN"] ?? root + "/.build/release/clusterd"
guard FileManager.default.isExecutableFile(atPath: clusterdPath) else {
    fail("\(clusterdPath) is not an executable: swift build -c release --product clusterd, or --clusterd PATH")
}
let textsPath =
    FileManager.default.fileExists(atPath: options.textsPath) ? options.textsPath : root + "/" + options.textsPath
let corpus: IngestCorpus
do {
    corpus = try IngestCorpus(textsPath: textsPath, messagesPerConversation: options.messagesPerConversation)
} catch {
    fail("cannot read the texts: \(error)")
}
var scenarios: [IngestScenario] = []
for (embedder, count) in [
    (IngestScenario.Embedder.hashing, options.skipHashing ? 0 : options.messages),
    (.miniLM, options.miniLMMessages),
] where count > 0 {
    scenarios += [.sweep, .trigger].filter { options.onlyArrival == nil || options.onlyArrival == $0 }
        .map { IngestScenario(embedder: embedder, arrival: $0, messages: count) }
}
let embedderRate: EmbedderRate?
do {
    embedderRate =
        options.miniLMMessages > 0
        ? try EmbedderRate(modelDirectory: options.serverEnvironment["CLUSTERD_MODEL_DIR"]) : nil
} catch {
    fail("\(error)")
}

let runner = ScenarioRunner(options: options, corpus: corpus, clusterdPath: clusterdPath)
say("clusterd-ingest-bench \(ISO8601DateFormatter().string(from: Date())); at start \(IngestClock.loadAverage())")
say(
    "clusterd \(clusterdPath); \(corpus.texts.count) texts from \(textsPath), "
        + "\(corpus.messagesPerConversation) messages per conversation; \(options.rounds) round(s); "
        + "\(ProcessInfo.processInfo.activeProcessorCount) cores"
)
for scenario in scenarios where scenario.embedder == scenarios[0].embedder {
    let settings = runner.environment(for: scenario).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    say("  \(scenario.arrival.rawValue) settings: " + settings.joined(separator: " "))
}
say(
    "  warm-up before each window: \(ScenarioRunner.warmUpMessages) messages analysed and one forced run, so no "
        + "automatic run starts in it"
)
say()
say(ScenarioMeasurement.header)
var report = IngestReport(rounds: options.rounds)
for round in 1...options.rounds {
    var workers = ProcessInfo.processInfo.activeProcessorCount
    for scenario in scenarios {
        do {
            let measurement = try await runner.run(scenario)
            workers = measurement.analysisWorkers
            report.add(measurement)
            say(measurement.row)
            say(measurement.notes + " (round \(round))")
        } catch {
            report.addFailure(scenario, error)
            say("\(scenario.label) (round \(round)) FAILED: \(error)")
        }
    }
    if let embedderRate {
        do {
            let (rate, cpu) = try await embedderRate.measure(
                texts: corpus.texts(count: options.miniLMMessages),
                workers: workers
            )
            report.addEmbedderRate(rate)
            say(
                String(
                    format: "MiniLM's own rate, in this process: %.0f texts/s, %.3f CPU s per 1,000 texts (%d texts, "
                        + "batches of %d, %d threads) (round %d)",
                    rate,
                    cpu,
                    options.miniLMMessages,
                    EmbedderRate.batchSize,
                    workers,
                    round
                )
            )
        } catch {
            fail("MiniLM's own rate: \(error)")
        }
    }
}
say()
for line in report.summary { say(line) }
say("at end \(IngestClock.loadAverage())")
exit(report.failures.isEmpty ? 0 : 1)
