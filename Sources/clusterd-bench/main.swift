import COpenBLAS
import ClusterdCore
import ClusterdEmbedding
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
    embedder = try MiniLMModelLoader.load(directory: directory, threads: options.threads)
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

let baseline: BaselineProcess?
do {
    baseline = try options.baselineCommand.map(BaselineProcess.init(command:))
} catch {
    FileHandle.standardError.write(Data("clusterd-bench: baseline failed: \(error)\n".utf8))
    exit(1)
}
if let baseline {
    print("  baseline: \(baseline.name), lowest cosine to the golden embeddings \(baseline.lowestCosine)")
}

// Alternate slice by slice: clusterd, then each baseline configuration, on the same texts and batch size.
let slices = stride(from: 0, to: texts.count, by: options.sliceSize).map {
    $0..<min(texts.count, $0 + options.sliceSize)
}
/// A baseline row: configuration index and whether texts are sorted by length first.
struct BaselineRow: Hashable {
    var variant: Int
    var sorted: Bool
}
let baselineRows: [BaselineRow] =
    baseline.map { baseline in
        [false, true].flatMap { sorted in baseline.variants.indices.map { BaselineRow(variant: $0, sorted: sorted) } }
    } ?? []
let variantNames = baseline?.variants ?? []
var ourSeconds: [Int: Double] = [:]
var theirSeconds: [BaselineRow: [Int: Double]] = [:]
var sliceRatios: [Int: [Double]] = [:]
do {
    for round in 1...options.rounds {
        var roundOurs: [Int: Double] = [:]
        var roundTheirs: [BaselineRow: [Int: Double]] = [:]
        for slice in slices {
            for batch in options.batchSizes {
                let mine = BenchTexts.seconds(embedder: embedder, texts: Array(texts[slice]), batch: batch)
                roundOurs[batch, default: 0] += mine
                guard let baseline else { continue }
                var fastest = Double.infinity
                for row in baselineRows where !row.sorted || batch > 1 {
                    let theirs = try baseline.seconds(
                        batch: batch,
                        range: slice,
                        sortedByLength: row.sorted,
                        variant: row.variant
                    )
                    roundTheirs[row, default: [:]][batch, default: 0] += theirs
                    if !row.sorted { fastest = min(fastest, theirs) }
                }
                sliceRatios[batch, default: []].append(fastest / mine)
            }
        }
        for batch in options.batchSizes {
            ourSeconds[batch, default: 0] += roundOurs[batch] ?? 0
            var line = "  round \(round) batch \(batch): clusterd \(rate(texts.count, roundOurs[batch]))"
            for row in baselineRows {
                guard let seconds = roundTheirs[row]?[batch] else { continue }
                theirSeconds[row, default: [:]][batch, default: 0] += seconds
                line += ", \(label(row, variantNames)) \(rate(texts.count, seconds))"
            }
            print(line + " sentences/s")
        }
    }
} catch {
    FileHandle.standardError.write(Data("clusterd-bench: baseline failed: \(error)\n".utf8))
    exit(1)
}
baseline?.close()

func rate(_ count: Int, _ seconds: Double?) -> String {
    guard let seconds, seconds > 0 else { return "-" }
    return String(format: "%.1f", Double(count) / seconds)
}

func label(_ row: BaselineRow, _ variants: [String]) -> String {
    "onnxruntime \(variants[row.variant])" + (row.sorted ? ", sorted by length" : "")
}

let total = texts.count * options.rounds
let columns = options.batchSizes
var rows: [(String, [Int: String])] = [
    ("clusterd (Swift, OpenBLAS kernels, \(embedder.threads) threads)", ourSeconds.mapValues { rate(total, $0) })
]
if let baseline {
    for row in baselineRows {
        rows.append((label(row, variantNames), (theirSeconds[row] ?? [:]).mapValues { rate(total, $0) }))
    }
    for sorted in [false, true] {
        var ratio: [Int: String] = [:]
        for batch in columns {
            let best = baselineRows.filter { $0.sorted == sorted }.compactMap { theirSeconds[$0]?[batch] }.min()
            if let mine = ourSeconds[batch], let best { ratio[batch] = String(format: "%.2fx", best / mine) }
        }
        rows.append(
            (sorted ? "ratio clusterd / fastest onnxruntime sorted" : "ratio clusterd / fastest onnxruntime", ratio)
        )
    }
    print("")
    print("baseline: \(baseline.name)")
}
let nameWidth = (rows.map(\.0.count).max() ?? 0) + 2
func padded(_ text: String, _ width: Int, left: Bool) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return left ? text + fill : fill + text
}
print(
    "sentences/s over \(options.rounds) round(s) of \(texts.count) texts (mean \(String(format: "%.1f", meanTokens)) "
        + "tokens), engines alternating every \(options.sliceSize) texts; same batches unless sorted by length"
)
print(padded("", nameWidth, left: true) + columns.map { padded("batch \($0)", 12, left: false) }.joined())
for (name, values) in rows {
    print(padded(name, nameWidth, left: true) + columns.map { padded(values[$0] ?? "-", 12, left: false) }.joined())
}
for batch in columns {
    guard let ratios = sliceRatios[batch]?.sorted(), !ratios.isEmpty else { continue }
    print(
        "  batch \(batch): ratio to the fastest onnxruntime per slice: min \(String(format: "%.2f", ratios.first!)), "
            + "median \(String(format: "%.2f", ratios[ratios.count / 2])), max \(String(format: "%.2f", ratios.last!))"
    )
}
print("")
print("clusterd model: \(directory)/model.safetensors")
if let baseline { print("onnxruntime model: \(baseline.model)") }
