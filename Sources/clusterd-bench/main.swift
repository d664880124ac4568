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

// Alternate slice by slice: clusterd, then the baseline, on the same texts and batch size.
let slices = stride(from: 0, to: texts.count, by: options.sliceSize).map {
    $0..<min(texts.count, $0 + options.sliceSize)
}
var ourSeconds: [Int: Double] = [:]
var theirSeconds: [Int: Double] = [:]
var theirSortedSeconds: [Int: Double] = [:]
var sliceRatios: [Int: [Double]] = [:]
do {
    for round in 1...options.rounds {
        var roundOurs: [Int: Double] = [:]
        var roundTheirs: [Int: Double] = [:]
        for slice in slices {
            for batch in options.batchSizes {
                let mine = BenchTexts.seconds(embedder: embedder, texts: Array(texts[slice]), batch: batch)
                roundOurs[batch, default: 0] += mine
                guard let baseline else { continue }
                let theirs = try baseline.seconds(batch: batch, range: slice, sortedByLength: false)
                roundTheirs[batch, default: 0] += theirs
                sliceRatios[batch, default: []].append(theirs / mine)
                if batch > 1 {
                    theirSortedSeconds[batch, default: 0] += try baseline.seconds(
                        batch: batch,
                        range: slice,
                        sortedByLength: true
                    )
                }
            }
        }
        for batch in options.batchSizes {
            ourSeconds[batch, default: 0] += roundOurs[batch] ?? 0
            theirSeconds[batch, default: 0] += roundTheirs[batch] ?? 0
            var line = "  round \(round) batch \(batch): clusterd \(rate(texts.count, roundOurs[batch]))"
            if baseline != nil { line += ", baseline \(rate(texts.count, roundTheirs[batch]))" }
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

let total = texts.count * options.rounds
let columns = options.batchSizes
let ourName = "clusterd (Swift, OpenBLAS, \(embedder.threads) threads)"
var rows: [(String, [Int: String])] = [
    (ourName, ourSeconds.mapValues { rate(total, $0) })
]
if let baseline {
    rows.append((baseline.name, theirSeconds.mapValues { rate(total, $0) }))
    rows.append((baseline.name + ", texts sorted by length", theirSortedSeconds.mapValues { rate(total, $0) }))
    var ratio: [Int: String] = [:]
    var ratioSorted: [Int: String] = [:]
    for batch in columns {
        if let mine = ourSeconds[batch], let theirs = theirSeconds[batch] {
            ratio[batch] = String(format: "%.2fx", theirs / mine)
        }
        if let mine = ourSeconds[batch], let theirs = theirSortedSeconds[batch] {
            ratioSorted[batch] = String(format: "%.2fx", theirs / mine)
        }
    }
    rows.append(("ratio clusterd / baseline (same batches)", ratio))
    rows.append(("ratio clusterd / baseline sorted by length", ratioSorted))
}
let nameWidth = (rows.map(\.0.count).max() ?? 0) + 2
func padded(_ text: String, _ width: Int, left: Bool) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return left ? text + fill : fill + text
}
print("")
print(
    "sentences/s over \(options.rounds) round(s) of \(texts.count) texts (mean \(String(format: "%.1f", meanTokens)) "
        + "tokens), clusterd and baseline alternating every \(options.sliceSize) texts"
)
print(padded("", nameWidth, left: true) + columns.map { padded("batch \($0)", 12, left: false) }.joined())
for (label, values) in rows {
    print(padded(label, nameWidth, left: true) + columns.map { padded(values[$0] ?? "-", 12, left: false) }.joined())
}
for batch in columns {
    guard let ratios = sliceRatios[batch]?.sorted(), !ratios.isEmpty else { continue }
    print(
        "  batch \(batch): ratio per slice min \(String(format: "%.2f", ratios.first!)), median "
            + "\(String(format: "%.2f", ratios[ratios.count / 2])), max \(String(format: "%.2f", ratios.last!))"
    )
}
print("")
print("clusterd model: \(directory)/model.safetensors")
if let baseline { print("baseline model: \(baseline.model)") }
