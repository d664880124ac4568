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

let loadBefore = MachineLoad.now()
print("uptime before: \(loadBefore.line)")

var configurations: [BenchConfiguration] = []
var embedders: [MiniLMEmbedder] = []
var loadSeconds: [Double] = []
do {
    for text in options.configurations {
        let configuration = try BenchConfiguration(parsing: text)
        let started = Date()
        embedders.append(
            try MiniLMModelLoader.load(
                directory: directory,
                threads: configuration.threadsPerCall,
                precision: configuration.precision
            )
        )
        loadSeconds.append(Date().timeIntervalSince(started))
        configurations.append(configuration)
    }
} catch {
    FileHandle.standardError.write(Data("clusterd-bench: loading \(directory) failed: \(error)\n".utf8))
    exit(1)
}

let tokenizer = embedders[0].tokenizer
let tokenizeStart = Date()
let tokenCounts = texts.map { tokenizer.tokenIDs($0).count }
let tokenizeSeconds = Date().timeIntervalSince(tokenizeStart)
/// Every text's index in order of token count (ties by position): the sorted rows' slices are runs of this order for
/// both engines, so a sorted batch holds texts of about one length wherever they sit in the file.
let lengthOrder = texts.indices.sorted { (tokenCounts[$0], $0) < (tokenCounts[$1], $1) }
let meanTokens = Double(tokenCounts.reduce(0, +)) / Double(max(1, texts.count))
let blasConfig = String(cString: openblas_get_config())
let blasCore = String(cString: openblas_get_corename())

print(
    "clusterd-bench: \(texts.count) texts from \(options.textsPath), mean \(String(format: "%.1f", meanTokens)) "
        + "tokens with [CLS]/[SEP]"
)
print("  model: \(directory)/model.safetensors (loaded in \(loadSeconds.map { String(format: "%.2f", $0) }) s)")
print("  OpenBLAS: \(blasConfig), core \(blasCore), \(openblas_get_num_threads()) thread(s)")
print(
    "  tokenizer: \(String(format: "%.0f", Double(texts.count) / max(tokenizeSeconds, 1e-9))) texts/s "
        + "(\(String(format: "%.1f", tokenizeSeconds * 1e6 / Double(max(1, texts.count)))) µs per text)"
)
if let goldenPath = options.goldenPath {
    do {
        let golden = try GoldenParity(path: goldenPath)
        for (configuration, embedder) in zip(configurations, embedders) {
            print("  parity \(configuration.label): \(golden.check(embedder))")
        }
    } catch {
        FileHandle.standardError.write(Data("clusterd-bench: cannot read \(goldenPath): \(error)\n".utf8))
        exit(1)
    }
}

// Warm-up: page in the weights, let the threads start.
for embedder in embedders { _ = try? embedder.embed(Array(texts.prefix(64))) }

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

// Alternate slice by slice: each clusterd configuration, then each baseline configuration, on the same texts and
// batch size.
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
/// Per batch size, one rate (sentences/s) per round; `ourSortedRates` for the slices of `lengthOrder` (batch > 1).
var ourRates: [Int: [[Double]]] = [:]
var ourSortedRates: [Int: [[Double]]] = [:]
var theirRates: [BaselineRow: [Int: [Double]]] = [:]
do {
    for round in 1...options.rounds {
        var ours: [Int: [Double]] = [:]
        var oursSorted: [Int: [Double]] = [:]
        var theirs: [BaselineRow: [Int: Double]] = [:]
        for slice in slices {
            for batch in options.batchSizes {
                for (index, configuration) in configurations.enumerated() {
                    let seconds = configuration.seconds(
                        embedder: embedders[index],
                        texts: Array(texts[slice]),
                        batch: batch
                    )
                    ours[batch, default: Array(repeating: 0, count: configurations.count)][index] += seconds
                    guard batch > 1 else { continue }
                    let sortedSeconds = configuration.seconds(
                        embedder: embedders[index],
                        texts: slice.map { texts[lengthOrder[$0]] },
                        batch: batch
                    )
                    oursSorted[batch, default: Array(repeating: 0, count: configurations.count)][index] += sortedSeconds
                }
                guard let baseline else { continue }
                for row in baselineRows where !row.sorted || batch > 1 {
                    theirs[row, default: [:]][batch, default: 0] += try baseline.seconds(
                        batch: batch,
                        range: slice,
                        sortedByLength: row.sorted,
                        variant: row.variant
                    )
                }
            }
        }
        for batch in options.batchSizes {
            let seconds = ours[batch] ?? []
            let sortedSeconds = oursSorted[batch] ?? []
            for index in seconds.indices {
                ourRates[batch, default: Array(repeating: [], count: configurations.count)][index].append(
                    Double(texts.count) / seconds[index]
                )
            }
            for index in sortedSeconds.indices {
                ourSortedRates[batch, default: Array(repeating: [], count: configurations.count)][index].append(
                    Double(texts.count) / sortedSeconds[index]
                )
            }
            var line = "  round \(round) batch \(batch): "
            line += zip(configurations, seconds).map { "\($0.label) \(rate(texts.count, $1))" }.joined(separator: ", ")
            for (configuration, seconds) in zip(configurations, sortedSeconds) {
                line += ", \(configuration.label), sorted by length \(rate(texts.count, seconds))"
            }
            for row in baselineRows {
                guard let seconds = theirs[row]?[batch] else { continue }
                theirRates[row, default: [:]][batch, default: []].append(Double(texts.count) / seconds)
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
let loadAfter = MachineLoad.now()

func rate(_ count: Int, _ seconds: Double?) -> String {
    guard let seconds, seconds > 0 else { return "-" }
    return String(format: "%.1f", Double(count) / seconds)
}

func label(_ row: BaselineRow, _ variants: [String]) -> String {
    "onnxruntime \(variants[row.variant])" + (row.sorted ? ", sorted by length" : "")
}

/// Per round, the fastest of the baseline `rates` (unsorted rows, or sorted rows where a batch has them).
func fastestBaseline(_ rates: [BaselineRow: [Int: [Double]]], batch: Int, sorted: Bool) -> [Double] {
    let rows = rates.filter { $0.key.sorted == sorted }.compactMap { $0.value[batch] }
    guard let first = rows.first else { return [] }
    return first.indices.map { round in rows.map { $0[round] }.max() ?? 0 }
}

let columns = options.batchSizes
var rows: [(String, [Int: String])] = []
for (index, configuration) in configurations.enumerated() {
    rows.append(
        (configuration.label, ourRates.mapValues { RoundStatistics(values: $0[index]).formatted() })
    )
    rows.append(
        (
            "\(configuration.label), sorted by length",
            ourSortedRates.mapValues { RoundStatistics(values: $0[index]).formatted() }
        )
    )
}
for row in baselineRows {
    rows.append(
        (label(row, variantNames), (theirRates[row] ?? [:]).mapValues { RoundStatistics(values: $0).formatted() })
    )
}
let quiet = loadBefore.isQuiet
if baseline != nil {
    for (index, configuration) in configurations.enumerated() {
        for sorted in [false, true] {
            var ratio: [Int: String] = [:]
            for batch in columns {
                let best = fastestBaseline(theirRates, batch: batch, sorted: sorted)
                guard let mine = (sorted ? ourSortedRates : ourRates)[batch]?[index], best.count == mine.count,
                    !best.isEmpty
                else { continue }
                let ratios = zip(mine, best).map { $0 / $1 }
                ratio[batch] = quiet ? RoundStatistics(values: ratios).formatted("%.2fx") : "not quiet"
            }
            let against = sorted ? "fastest onnxruntime sorted" : "fastest onnxruntime"
            let mineSorted = sorted ? ", sorted by length" : ""
            rows.append(("ratio \(configuration.label)\(mineSorted) / \(against)", ratio))
        }
    }
}
print("")
if let baseline { print("baseline: \(baseline.name)") }
print(
    "sentences/s, median (lowest–highest) over \(options.rounds) round(s) of \(texts.count) texts "
        + "(mean \(String(format: "%.1f", meanTokens)) tokens), engines alternating every \(options.sliceSize) texts; "
        + "same batches unless sorted by length (then both engines take slices of all texts in order of length)"
)
let nameWidth = (rows.map(\.0.count).max() ?? 0) + 2
func padded(_ text: String, _ width: Int, left: Bool) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return left ? text + fill : fill + text
}
print(padded("", nameWidth, left: true) + columns.map { padded("batch \($0)", 26, left: false) }.joined())
for (name, values) in rows {
    print(padded(name, nameWidth, left: true) + columns.map { padded(values[$0] ?? "-", 26, left: false) }.joined())
}
print("")
print("uptime before: \(loadBefore.line)")
print("uptime after:  \(loadAfter.line)")
if !quiet {
    print(
        "not a quiet machine (one-minute load \(loadBefore.averages.first.map { String(format: "%.2f", $0) } ?? "unknown") "
            + "> \(MachineLoad.quietLimit) before the bench): no ratio reported; the numbers above are not a measurement"
    )
}
print("clusterd model: \(directory)/model.safetensors")
if let baseline { print("onnxruntime model: \(baseline.model)") }
