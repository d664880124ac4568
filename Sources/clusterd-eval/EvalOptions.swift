/// Command-line options of clusterd-eval.
struct EvalOptions {
    static let usage = """
        usage: clusterd-eval [--data DIR] [--cache DIR] [--model-dir DIR] [--seeds N] [--initializations N[,N...]]
                             [--k-range LO-HI] [--silhouette-sample N] [--max-iterations N] [--batch N]
                             [--sets banking,clinc,sgd] [--curves]
          DIR defaults to ../shared/eval; the cache to .state/eval-cache. --initializations lists the k-means++
          starts per fit to compare (default: the engine's default); --k-range tries every k in that range instead
          of the engine's default grid rule; --max-iterations overrides the engine's Lloyd iteration cap;
          --curves logs each seed's candidate k values with their silhouettes and information criteria (a
          contender's refit marked *starts).
        """

    var dataDirectory = "../shared/eval"
    var cacheDirectory = ".state/eval-cache"
    var modelDirectory: String?
    var seeds = 5
    var initializations: [Int] = []
    var kRange: ClosedRange<Int>?
    var silhouetteSample: Int?
    var batchSize = 32
    var maxIterations: Int?
    var sets: Set<String> = ["banking", "clinc", "sgd"]
    var curves = false

    /// Parses `arguments` (without the program name).
    init(arguments: [String]) throws {
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let next = rest.popFirst() else { throw EvalError("\(flag) needs a value") }
            return next
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--data": dataDirectory = try value(flag)
            case "--cache": cacheDirectory = try value(flag)
            case "--model-dir": modelDirectory = try value(flag)
            case "--seeds": seeds = try Self.positive(try value(flag), flag)
            case "--max-iterations": maxIterations = try Self.positive(try value(flag), flag)
            case "--batch": batchSize = try Self.positive(try value(flag), flag)
            case "--silhouette-sample": silhouetteSample = try Self.positive(try value(flag), flag)
            case "--initializations":
                initializations = try value(flag).split(separator: ",").map { try Self.positive(String($0), flag) }
            case "--k-range":
                let parts = try value(flag).split(separator: "-").map { try Self.positive(String($0), flag) }
                guard parts.count == 2, parts[0] <= parts[1] else { throw EvalError("\(flag) wants LO-HI") }
                kRange = parts[0]...parts[1]
            case "--sets":
                sets = Set(try value(flag).split(separator: ",").map(String.init))
                let unknown = sets.subtracting(["banking", "clinc", "sgd"])
                guard unknown.isEmpty else { throw EvalError("unknown set(s) \(unknown.sorted())") }
            case "--curves": curves = true
            case "-h", "--help": throw EvalError("help")
            default: throw EvalError("unknown option \(flag)")
            }
        }
    }

    private static func positive(_ text: String, _ flag: String) throws -> Int {
        guard let number = Int(text), number > 0 else { throw EvalError("\(flag) wants a positive integer") }
        return number
    }
}
