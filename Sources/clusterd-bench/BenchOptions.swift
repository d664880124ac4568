/// Command-line options of clusterd-bench.
struct BenchOptions {
    static let usage = """
        usage: clusterd-bench [--texts FILE.jsonl] [--limit N] [--batch 1,32] [--rounds N] [--model-dir DIR]
                              [--configs 2x1,1x2,2x1:int8,1x2:int8] [--golden FILE.json] [--slice N] [--baseline 'COMMAND']
          A configuration is THREADSxCALLERS: workers of one forward pass, callers embedding batches side by side
          (the service's analysis workers). --golden checks each configuration's token ids and cosines against the reference.
          The baseline command (scripts/bench-onnxruntime.py) introduces itself with one JSON line, then answers
          "time BATCH START END SORTED" with the seconds taken; clusterd and it alternate every --slice texts.
          Ratios are printed only when the one-minute load average was at most 1 before the bench.
        """

    var textsPath = "bench/sgd-user-messages.jsonl"
    var limit = 1000
    var batchSizes = [1, 32]
    var rounds = 3
    var sliceSize = 100
    var modelDirectory: String?
    var baselineCommand: String?
    var configurations = BenchConfiguration.defaults
    var goldenPath: String?

    /// Parses `arguments` (without the program name).
    init(arguments: [String]) throws {
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let next = rest.popFirst() else { throw BenchError("\(flag) needs a value") }
            return next
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--texts": textsPath = try value(flag)
            case "--limit": limit = try Self.positive(try value(flag), flag)
            case "--rounds": rounds = try Self.positive(try value(flag), flag)
            case "--slice": sliceSize = try Self.positive(try value(flag), flag)
            case "--model-dir": modelDirectory = try value(flag)
            case "--baseline": baselineCommand = try value(flag)
            case "--threads":
                let threads = try Self.positive(try value(flag), flag)
                configurations = ["\(threads)x1"]
            case "--configs": configurations = try value(flag).split(separator: ",").map(String.init)
            case "--golden": goldenPath = try value(flag)
            case "--batch":
                batchSizes = try value(flag).split(separator: ",").map { try Self.positive(String($0), flag) }
            case "-h", "--help": throw BenchError("help")
            default: throw BenchError("unknown option \(flag)")
            }
        }
    }

    private static func positive(_ text: String, _ flag: String) throws -> Int {
        guard let number = Int(text), number > 0 else { throw BenchError("\(flag) needs a positive number") }
        return number
    }
}

/// A bench failure with a message.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
