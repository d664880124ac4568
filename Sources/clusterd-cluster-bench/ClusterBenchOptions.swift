/// Command-line options of clusterd-cluster-bench.
struct ClusterBenchOptions {
    static let usage = """
        usage: clusterd-cluster-bench [--sizes 100000,1000000] [--k 100] [--dimension 384] [--noise 0.08] [--rounds 1]
                                      [--memory-mb 1024] [--initializations 1] [--max-iterations 50]
                                      [--python .venv/bin/python] [--peers sklearn,minibatch,faiss] [--data-dir DIR]
                                      [--training-per-centroid 256] [--seed 42]
          Generates unit vectors around k known centres (written once to DIR), runs clusterd's k-means (on every row,
          and fitted on N rows per centroid then assigning all, as faiss does; 0 skips that row) and the Python
          peers on the same file, each in its own process, and prints wall time, peak RSS, inertia and ARI. --seed is
          clusterd's k-means seed (the peers keep theirs).
        """

    var sizes = [100_000]
    var k = 100
    var dimension = 384
    var noise: Float = 0.08
    var rounds = 1
    var memoryMB = 1024
    var initializations = 1
    var maxIterations = 50
    var python = ".venv/bin/python"
    var peers = ["sklearn", "minibatch", "faiss"]
    var dataDirectory = ".state/bench-cluster"
    /// Rows per centroid of the second clusterd row's training sample (0: no such row); in a child run, this run's.
    var trainingPerCentroid = 256
    /// Seed of clusterd's k-means.
    var seed: UInt64 = 42
    /// Set in a child run: the data file whose rows this process clusters (then prints one JSON line).
    var childData: String?

    /// Parses `arguments` (without the program name).
    init(arguments: [String]) throws {
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let next = rest.popFirst() else { throw ClusterBenchError("\(flag) needs a value") }
            return next
        }
        func positive(_ flag: String) throws -> Int {
            guard let number = Int(try value(flag)), number > 0 else {
                throw ClusterBenchError("\(flag) needs a positive number")
            }
            return number
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--sizes":
                sizes = try value(flag).split(separator: ",").map {
                    guard let size = Int($0), size > 1 else { throw ClusterBenchError("--sizes needs numbers > 1") }
                    return size
                }
            case "--k": k = try positive(flag)
            case "--dimension": dimension = try positive(flag)
            case "--noise":
                guard let parsed = Float(try value(flag)), parsed >= 0 else {
                    throw ClusterBenchError("--noise needs a number ≥ 0")
                }
                noise = parsed
            case "--rounds": rounds = try positive(flag)
            case "--memory-mb": memoryMB = try positive(flag)
            case "--initializations": initializations = try positive(flag)
            case "--max-iterations": maxIterations = try positive(flag)
            case "--python": python = try value(flag)
            case "--peers": peers = try value(flag).split(separator: ",").map(String.init).filter { !$0.isEmpty }
            case "--data-dir": dataDirectory = try value(flag)
            case "--child": childData = try value(flag)
            case "--training-per-centroid":
                guard let number = Int(try value(flag)), number >= 0 else {
                    throw ClusterBenchError("--training-per-centroid needs a number ≥ 0")
                }
                trainingPerCentroid = number
            case "--seed":
                guard let number = UInt64(try value(flag)) else { throw ClusterBenchError("--seed needs a number ≥ 0") }
                seed = number
            case "-h", "--help": throw ClusterBenchError("help")
            default: throw ClusterBenchError("unknown option \(flag)")
            }
        }
    }
}

/// A bench failure with a message.
struct ClusterBenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
