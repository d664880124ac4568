import ClusterdClustering
import Foundation

// clusterd-cluster-bench: clusterd's k-means against scikit-learn's KMeans and MiniBatchKMeans and faiss on the same
// synthetic data (unit vectors around k known centres, generated here and written once to a file every engine
// reads), each engine in a process of its own so its peak RSS is its own. `make bench-cluster` runs it in release
// mode (N=1000000 for the long run).

let options: ClusterBenchOptions
do {
    options = try ClusterBenchOptions(arguments: Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("clusterd-cluster-bench: \(error)\n\(ClusterBenchOptions.usage)\n".utf8))
    exit(2)
}

/// Runs `arguments` and returns its last JSON line's fields.
func runChild(_ executable: String, _ arguments: [String]) throws -> [String: Any] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
    guard process.terminationStatus == 0, let last = lines.last,
        let object = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any]
    else { throw ClusterBenchError("\(executable) \(arguments.joined(separator: " ")) failed") }
    return object
}

/// The machine's load line.
func uptimeLine() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        ?? "?"
}

func readLabels(_ path: String) throws -> [Int32] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return data.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
}

if let child = options.childData {
    do {
        let size = try FileManager.default.attributesOfItem(atPath: child)[.size] as? Int ?? 0
        try EngineChild.run(path: child, count: size / (options.dimension * 4), options: options)
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("clusterd-cluster-bench: \(error)\n".utf8))
        exit(1)
    }
}

do {
    print("load average before: \(uptimeLine())")
    try FileManager.default.createDirectory(atPath: options.dataDirectory, withIntermediateDirectories: true)
    let me = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    for size in options.sizes {
        let path = "\(options.dataDirectory)/centres-\(size)x\(options.dimension)-k\(options.k).f32"
        let generated = Date()
        let truth = try SyntheticCentres.write(
            path: path,
            count: size,
            k: options.k,
            dimension: options.dimension,
            noise: options.noise,
            seed: 2026
        )
        print(
            "\n\(size) × \(options.dimension), k = \(options.k), noise \(options.noise): generated in "
                + String(format: "%.1f s", Date().timeIntervalSince(generated)) + "; rounds \(options.rounds)"
        )
        var results: [String: [(seconds: Double, rss: Int, inertia: Double, ari: Double)]] = [:]
        var order: [String] = []
        for _ in 0..<options.rounds {
            var runs: [(String, [String: Any], String)] = []
            for training in options.trainingPerCentroid > 0 ? [0, options.trainingPerCentroid] : [0] {
                var child = options
                child.trainingPerCentroid = training
                let ours = try runChild(
                    me,
                    [
                        "--child", path, "--dimension", "\(options.dimension)", "--k", "\(options.k)",
                        "--memory-mb", "\(options.memoryMB)", "--initializations", "\(options.initializations)",
                        "--max-iterations", "\(options.maxIterations)", "--training-per-centroid", "\(training)",
                        "--seed", "\(options.seed)",
                    ]
                )
                let name = training > 0 ? "clusterd \(training)/centre" : "clusterd"
                runs.append((name, ours, path + EngineChild.labelsSuffix(child)))
            }
            for peer in options.peers {
                let result = try runChild(
                    "/usr/bin/env",
                    [
                        options.python, "scripts/bench-cluster.py", path, "\(options.dimension)", "\(options.k)", peer,
                        "\(options.maxIterations)",
                    ]
                )
                runs.append(((result["engine"] as? String) ?? peer, result, path + ".\(peer).labels"))
            }
            for (name, result, labelsPath) in runs {
                if (result["skipped"] as? String) != nil {
                    print("  \(name): skipped (\(result["skipped"]!))")
                    continue
                }
                let labels = try readLabels(labelsPath)
                let (inertia, ari) = try PartitionScore.score(
                    path: path,
                    labels: labels,
                    truth: truth,
                    dimension: options.dimension
                )
                if results[name] == nil { order.append(name) }
                results[name, default: []].append(
                    (
                        (result["seconds"] as? NSNumber)?.doubleValue ?? .nan,
                        (result["rss_kb"] as? NSNumber)?.intValue ?? 0, inertia, ari
                    )
                )
                if name.hasPrefix("clusterd") {
                    print(
                        "  \(name): fitted on \(result["fitted"] ?? "?") rows, \(result["iterations"] ?? "?") iterations, BLAS threads \(result["threads"] ?? "?")"
                    )
                }
            }
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let sklearn = results["sklearn KMeans"].map { median($0.map(\.seconds)) }
        let faiss = results["faiss"].map { median($0.map(\.seconds)) }
        print(
            "  engine                 seconds   peak RSS MiB        inertia      ARI   ×sklearn   ×faiss"
        )
        for name in order {
            let rows = results[name]!
            let seconds = median(rows.map(\.seconds))
            let ratio = { (base: Double?) in base.map { String(format: "%8.2f", seconds / $0) } ?? "       -" }
            print(
                "  " + name.padding(toLength: 20, withPad: " ", startingAt: 0)
                    + String(
                        format: " %9.2f %14.0f %14.2f %8.4f",
                        seconds,
                        Double(rows.map(\.rss).max() ?? 0) / 1024,
                        median(rows.map(\.inertia)),
                        median(rows.map(\.ari))
                    ) + "   " + ratio(sklearn) + " " + ratio(faiss)
            )
        }
        // Each round runs every engine once, one after another: a round's ratio compares runs seconds apart, so it
        // shows the machine's drift less than a ratio of medians does.
        for name in order {
            let seconds = results[name]!.map(\.seconds)
            var line =
                "  " + name.padding(toLength: 20, withPad: " ", startingAt: 0) + " rounds (s): "
                + seconds.map { String(format: "%.2f", $0) }.joined(separator: " ")
            if let peer = results["faiss"], name.hasPrefix("clusterd"), peer.count == seconds.count {
                let ratios = zip(seconds, peer.map(\.seconds)).map { $0 / $1 }
                line += String(
                    format: "; ×faiss by round: median %.2f (%.2f–%.2f)",
                    median(ratios),
                    ratios.min() ?? .nan,
                    ratios.max() ?? .nan
                )
            }
            print(line)
        }
    }
    print("\nload average after: \(uptimeLine())")
} catch {
    FileHandle.standardError.write(Data("clusterd-cluster-bench: \(error)\n".utf8))
    exit(1)
}
