import ClusterdClustering
import ClusterdCore
import ClusterdEmbedding
import ClusterdModel
import Foundation

// clusterd-eval: clustering quality of the engine (native all-MiniLM-L6-v2 embeddings, ClusteringEngine with its own
// k-means and k rule) on the labelled sets in ../shared/eval, beside the README's plain Python reference numbers.
// `make eval` runs it in release mode.

func fail(_ message: String, code: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("clusterd-eval: \(message)\n".utf8))
    exit(code)
}

func log(_ message: String) {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
}

let options: EvalOptions
do {
    options = try EvalOptions(arguments: Array(CommandLine.arguments.dropFirst()))
} catch {
    fail("\(error)\n\(EvalOptions.usage)", code: 2)
}

let locator = MiniLMModelLocator(
    overrideDirectory: options.modelDirectory ?? ProcessInfo.processInfo.environment["CLUSTERD_MODEL_DIR"],
    searchRoots: MiniLMModelLocator.defaultSearchRoots(
        workingDirectory: FileManager.default.currentDirectoryPath,
        executablePath: CommandLine.arguments[0]
    )
)
guard let modelDirectory = locator.locate() else {
    fail("all-MiniLM-L6-v2 not found in \(locator.candidates()); run scripts/setup")
}

/// The Linear layers' arithmetic, from CLUSTERD_EMBEDDER_PRECISION as in the server (fp32 when unset), so
/// `CLUSTERD_EMBEDDER_PRECISION=int8 make eval` compares the int8 path with fp32.
let precision: MiniLMPrecision = {
    guard let value = ProcessInfo.processInfo.environment["CLUSTERD_EMBEDDER_PRECISION"], !value.isEmpty else {
        return .fp32
    }
    guard let precision = MiniLMPrecision(setting: value) else {
        fail("CLUSTERD_EMBEDDER_PRECISION must be fp32, int8 or int8All, not \(value)")
    }
    return precision
}()

var embedderStorage: MiniLMEmbedder?
@MainActor func embedder() -> MiniLMEmbedder {
    if let embedderStorage { return embedderStorage }
    do {
        let loaded = try MiniLMModelLoader.load(directory: modelDirectory, precision: precision)
        embedderStorage = loaded
        return loaded
    } catch {
        fail("loading \(modelDirectory) failed: \(error)")
    }
}

let data = options.dataDirectory
let specs: [EvalSetSpec] = [
    EvalSetSpec(key: "banking", name: "BANKING77") {
        try EvalDataset.utterances(directory: data, fileName: "banking77_test.jsonl")
    },
    EvalSetSpec(key: "clinc", name: "CLINC150") {
        try EvalDataset.utterances(directory: data, fileName: "clinc150_test.jsonl")
    },
    EvalSetSpec(key: "sgd", name: "SGD all") {
        try EvalDataset.conversations(directory: data, fileName: "sgd_dev_conversations.jsonl")
    },
]

let defaultRule = ClusteringConfiguration().kRule
let autoRule: KRule
switch defaultRule {
case .silhouette(let range, let sample):
    autoRule = .silhouette(range: options.kRange ?? range, sampleSize: options.silhouetteSample ?? sample)
case .grid(let sample):
    if let range = options.kRange {
        autoRule = .silhouette(range: range, sampleSize: options.silhouetteSample ?? sample)
    } else {
        autoRule = .grid(sampleSize: options.silhouetteSample ?? sample)
    }
case .fixed:
    autoRule = .silhouette(range: options.kRange ?? 2...12, sampleSize: options.silhouetteSample ?? 1000)
}
let initializationChoices: [Int?] = options.initializations.isEmpty ? [nil] : options.initializations.map { $0 }
let defaultInitializations = ClusteringConfiguration().initializations
let cache = EmbeddingCache(directory: options.cacheDirectory)

var rows: [EvalRow] = []
for spec in specs where options.sets.contains(spec.key) {
    let dataset: EvalDataset
    do {
        dataset = try spec.load()
    } catch {
        fail("\(error)")
    }
    let vectors: [[Float]]
    do {
        let model = embedder()
        let result = try cache.embeddings(of: dataset, embedder: model, batchSize: options.batchSize) {
            done,
            total,
            seconds in
            if done == total || done % (options.batchSize * 20) == 0 {
                let rate = Double(done) / max(seconds, 1e-9)
                log("  embedding \(dataset.fileName): \(done)/\(total) (\(String(format: "%.0f", rate)) texts/s)")
            }
        }
        vectors = result.vectors
        log(
            "\(dataset.fileName): \(dataset.texts.count) texts, embeddings "
                + (result.cached ? "from the cache" : "computed and cached")
        )
    } catch {
        fail("embedding \(dataset.fileName) failed: \(error)")
    }
    var variants: [(String, EvalDataset)] = [(spec.name, dataset)]
    if spec.key == "sgd" { variants.append(("SGD user", dataset.keeping(role: "user"))) }
    for (name, variant) in variants {
        let runner = EvalRunner(vectors: vectors, dataset: variant)
        let goldK = Set(variant.labels).count
        for initializations in initializationChoices {
            for (ruleName, rule) in [("gold", KRule.fixed(goldK)), ("silhouette", autoRule)] {
                let outcome = runner.run(
                    kRule: rule,
                    initializations: initializations,
                    maxIterations: options.maxIterations,
                    seeds: options.seeds
                )
                let used = initializations ?? defaultInitializations
                log(
                    "  \(name) \(ruleName) init=\(used): k \(outcome.ks), ACC "
                        + outcome.scores[0].map { String(format: "%.1f", $0 * 100) }.joined(separator: " ")
                        + " in \(String(format: "%.1f", outcome.seconds)) s"
                )
                if options.curves && ruleName == "silhouette" {
                    for (seed, curve) in outcome.curves.enumerated() { log("    seed \(seed): " + curveText(curve)) }
                }
                rows.append(
                    EvalRow(set: name, rule: ruleName, initializations: used, n: variant.items.count, outcome: outcome)
                )
            }
        }
    }
}

/// "k silhouette criterion[*starts]" for each candidate, the contenders' refits marked with their starts.
func curveText(_ curve: [KCandidateScore]) -> String {
    curve.map { candidate in
        let score = candidate.silhouette.map { String(format: "%.4f", $0) } ?? "-"
        let criterion = candidate.criterion.map { String(format: " %.0f", $0) } ?? ""
        return "\(candidate.k) \(score)\(criterion)"
            + (candidate.starts > defaultInitializations ? "*\(candidate.starts)" : "")
    }
    .joined(separator: ", ")
}

func meanSD(_ values: [Double]) -> (mean: Double, sd: Double) {
    let mean = values.reduce(0, +) / Double(max(1, values.count))
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(1, values.count))
    return (mean, variance.squareRoot())
}

func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return right ? fill + text : text + fill
}

let iterations = options.maxIterations ?? ClusteringConfiguration().maxIterations
print(
    """
    clusterd-eval: native all-MiniLM-L6-v2 (\(modelDirectory))
    ClusteringEngine.run (k-means++, unit centroids, at most \(iterations) Lloyd iterations per start), seeds 0..<\(options.seeds);
    metrics ×100 as mean ± sd (population sd) over the seeds; "ref" is the README's plain Python pipeline
    (sklearn KMeans n_init=10), "Δ" = ours − ref on the mean; "init" = k-means++ starts per fit.
    k rules: gold = KRule.fixed(number of gold labels); silhouette = the engine's unknown-k rule \(autoRule)
    (cosine silhouette on a sample of at most \(sampleSizeText(autoRule)) items; "grid" = every k to 12, then 15..50
    step 5, 60..100 step 10, 120..240 step 20, then coarser, capped at a tenth of min(n, sample); candidates fitted
    on at most 4 × the sample, so these sets whole; of those within 5% of the best silhouette, the 3 with the
    highest information criterion are fitted again with more starts and the highest criterion wins). The README's
    rule: k = 5..50 step 5, 60..100 step 10, 120..240 step 20, capped at n/10, candidates fitted on all items.
    """
)

func sampleSizeText(_ rule: KRule) -> String {
    "\(rule.sampleSize)"
}

let header = [
    pad("set", 9), pad("k rule", 10), pad("init", 4, right: true), pad("n", 5, right: true),
    pad("k", 7, right: true), pad("ACC", 13, right: true), pad("NMI", 13, right: true), pad("ARI", 13, right: true),
    "  ref ACC / NMI / ARI (k)", "  Δ ACC / NMI / ARI",
]
print(header.joined(separator: " "))
for row in rows {
    let stats = row.outcome.scores.map { meanSD($0.map { $0 * 100 }) }
    let kText: String
    if Set(row.outcome.ks).count == 1 {
        kText = "\(row.outcome.ks[0])"
    } else {
        kText = "\(row.outcome.ks.min()!)-\(row.outcome.ks.max()!)"
    }
    var fields = [
        pad(row.set, 9), pad(row.rule, 10), pad("\(row.initializations)", 4, right: true),
        pad("\(row.n)", 5, right: true), pad(kText, 7, right: true),
    ]
    fields += stats.map { pad(String(format: "%.2f ± %.2f", $0.mean, $0.sd), 13, right: true) }
    if let reference = EvalReference.row(set: row.set, rule: row.rule) {
        let refText = reference.scores.map { String(format: "%.2f", $0.mean) }.joined(separator: " / ")
        let delta = zip(stats, reference.scores).map { String(format: "%+.2f", $0.mean - $1.mean) }
        fields.append("  \(refText) (\(reference.k))")
        fields.append("  " + delta.joined(separator: " / "))
    } else {
        fields.append("  (no reference row)")
    }
    print(fields.joined(separator: " "))
}
