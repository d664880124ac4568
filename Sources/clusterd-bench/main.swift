import COpenBLAS
import ClusterdCore
import ClusterdModel
import Foundation

// clusterd-bench: sentences per second of the native all-MiniLM-L6-v2 embedder at batch 1 and batch 32 on a fixed
// set of chat texts, beside a baseline command (onnxruntime, see scripts/bench-onnxruntime.py) run in the same
// process tree, rounds alternating so machine noise hits both. `make bench` runs it in release mode.

let options: BenchOptions
do {
    options = try BenchOptions(arguments: Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("clusterd-bench: \(error)\n\(BenchOptions.usage)\n".utf8))
    exit(2)
}

let environment = ProcessInfo.processInfo.environment
let locator = MiniLMModelLocator(
    overrideDirectory: options.modelDirectory ?? environment["CLUSTERD_MODEL_DIR"],
    searchRoots: MiniLMModelLocator.defaultSearchRoots(
        workingDirectory: FileManager.default.currentDirectoryPath,
        executablePath: CommandLine.arguments[0]
    )
)
guard let directory = locator.locate() else {
    FileHandle.standardError.write(
        Data("clusterd-bench: all-MiniLM-L6-v2 not found in \(locator.candidates()); run scripts/setup\n".utf8)
    )
    exit(1)
}

let texts: [String]
do {
    texts = try BenchTexts.load(path: options.textsPath, limit: options.limit)
} catch {
    FileHandle.standardError.write(Data("clusterd-bench: cannot read \(options.textsPath): \(error)\n".utf8))
    exit(1)
}

let loadStart = Date()
let embedder: MiniLMEmbedder
do {
    embedder = try MiniLMModelLoader.load(
        directory: directory,
        threads: options.threads,
        smallBatchRows: options.smallBatchRows
    )
} catch {
    FileHandle.standardError.write(Data("clusterd-bench: loading \(directory) failed: \(error)\n".utf8))
    exit(1)
}
let loadSeconds = Date().timeIntervalSince(loadStart)

let tokenizeStart = Date()
let tokenCounts = texts.map { embedder.tokenizer.tokenIDs($0).count }
let tokenizeSeconds = Date().timeIntervalSince(tokenizeStart)
let meanTokens = Double(tokenCounts.reduce(0, +)) / Double(max(1, texts.count))
let blasThreads = openblas_get_num_threads()
let blasConfig = String(cString: openblas_get_config())
let blasCore = String(cString: openblas_get_corename())

print(
    "clusterd-bench: \(texts.count) texts from \(options.textsPath), mean \(String(format: "%.1f", meanTokens)) "
        + "tokens with [CLS]/[SEP]"
)
print("  model: \(directory)/model.safetensors (loaded in \(String(format: "%.2f", loadSeconds)) s)")
print("  OpenBLAS: \(blasConfig), core \(blasCore), \(blasThreads) thread(s); embedder workers \(embedder.threads)")
print(
    "  tokenizer: \(String(format: "%.0f", Double(texts.count) / max(tokenizeSeconds, 1e-9))) texts/s "
        + "(\(String(format: "%.1f", tokenizeSeconds * 1e6 / Double(max(1, texts.count)))) µs per text)"
)

// Warm-up: page in the weights, let OpenBLAS start its threads.
_ = try? embedder.embed(Array(texts.prefix(64)))

var ours: [Int: Double] = [:]
var baselines: [(name: String, model: String, rates: [Int: Double])] = []
for round in 1...options.rounds {
    for batch in options.batchSizes {
        let rate = BenchTexts.sentencesPerSecond(embedder: embedder, texts: texts, batch: batch)
        ours[batch] = max(ours[batch] ?? 0, rate)
        print("  round \(round): clusterd batch \(batch): \(String(format: "%.1f", rate)) sentences/s")
    }
    guard let command = options.baselineCommand else { continue }
    do {
        for result in try BaselineResult.run(command: command) {
            var index = baselines.firstIndex { $0.name == result.name }
            if index == nil {
                baselines.append((result.name, result.model, [:]))
                index = baselines.count - 1
            }
            for (batch, rate) in result.rates.sorted(by: { $0.key < $1.key }) {
                baselines[index!].rates[batch] = max(baselines[index!].rates[batch] ?? 0, rate)
                print("  round \(round): \(result.name) batch \(batch): \(String(format: "%.1f", rate)) sentences/s")
            }
        }
    } catch {
        FileHandle.standardError.write(Data("clusterd-bench: baseline failed: \(error)\n".utf8))
        exit(1)
    }
}

let columns = options.batchSizes
let ourName = "clusterd (Swift, OpenBLAS, \(blasThreads) threads)"
let nameWidth = max(ourName.count, baselines.map { $0.name.count + 8 }.max() ?? 0) + 2
func cell(_ text: String) -> String { String(repeating: " ", count: max(0, 12 - text.count)) + text }
func name(_ text: String) -> String { text + String(repeating: " ", count: max(0, nameWidth - text.count)) }
func row(_ label: String, _ values: [Int: Double], format: String) -> String {
    name(label) + columns.map { cell(values[$0].map { String(format: format, $0) } ?? "-") }.joined()
}

print("")
print(
    "sentences/s, best of \(options.rounds) round(s); \(texts.count) texts, mean \(String(format: "%.1f", meanTokens)) tokens"
)
print(name("") + columns.map { cell("batch \($0)") }.joined())
print(row(ourName, ours, format: "%.1f"))
for baseline in baselines {
    print(row(baseline.name, baseline.rates, format: "%.1f"))
}
for baseline in baselines {
    var ratios: [Int: Double] = [:]
    for (batch, rate) in baseline.rates where rate > 0 {
        if let mine = ours[batch] { ratios[batch] = mine / rate }
    }
    print(row("ratio clusterd / " + baseline.name, ratios, format: "%.2fx"))
}
print("")
print("clusterd model: \(directory)/model.safetensors")
for model in Set(baselines.map(\.model)).sorted() { print("baseline model: \(model)") }
