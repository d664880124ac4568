/// Command-line options of clusterd-bench.
struct BenchOptions {
    static let usage = """
        usage: clusterd-bench [--texts FILE.jsonl] [--limit N] [--batch 1,32] [--rounds N] [--model-dir DIR]
                              [--threads N] [--slice N] [--baseline 'COMMAND']
          The baseline command (scripts/bench-onnxruntime.py) introduces itself with one JSON line, then answers
          "time BATCH START END SORTED" with the seconds taken; clusterd and it alternate every --slice texts.
        """

    var textsPath = "bench/sgd-user-messages.jsonl"
    var limit = 1000
    var batchSizes = [1, 32]
    var rounds = 2
    var sliceSize = 100
    var modelDirectory: String?
    var baselineCommand: String?
    var threads: Int?

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
            case "--threads": threads = try Self.positive(try value(flag), flag)
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
