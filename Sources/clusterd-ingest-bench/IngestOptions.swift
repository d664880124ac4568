import Foundation

/// The command line of `clusterd-ingest-bench`, parsed.
struct IngestOptions: Equatable {
    /// Messages in each hashing-embedder scenario (`--messages`, make's `N`).
    var messages = 100_000
    /// Messages in each MiniLM scenario (`--minilm-messages`, make's `MINILM_N`); 0 skips MiniLM.
    var miniLMMessages = 5_000
    /// Rounds of every scenario, alternating (`--rounds`, make's `ROUNDS`).
    var rounds = 1
    /// Longest wait per 1,000 messages for a scenario's analyses, seconds, on top of `baseTimeoutSeconds`
    /// (`--timeout-per-1000`; 100 s allows rates down to 10 messages/s).
    var timeoutPerThousandSeconds = 100.0
    /// The fixed part of a scenario's time limit, seconds.
    var baseTimeoutSeconds = 120.0
    /// The clusterd executable (`--clusterd`; else `CLUSTERD_BIN`, else `.build/release/clusterd`).
    var clusterdPath: String?
    /// The JSON-lines file of chat texts, one `{"text": …}` per line (`--texts`).
    var textsPath = "bench/sgd-user-messages.jsonl"
    /// Messages per conversation.
    var messagesPerConversation = 5
    /// Server settings overriding the bench's (`--server-env KEY=VALUE`, repeatable).
    var serverEnvironment: [String: String] = [:]
    /// Skips the hashing-embedder scenarios (`--no-hashing`).
    var skipHashing = false
    /// Where each scenario's store keeps its data (`--store memory|disk|auto`; auto: memory up to
    /// `inMemoryLimit` messages, disk above, since SecantusDB holds about 10 MiB per 1,000 analysed messages in memory).
    var storage = Storage.auto
    /// Only this arrival's scenarios (`--only sweep` or `--only triggered`); nil: both.
    var onlyArrival: IngestScenario.Arrival?

    /// Where a store keeps its data.
    enum Storage: String, Equatable {
        /// `:memory:`.
        case memory
        /// A temporary directory, removed afterwards.
        case disk
        /// `memory` up to `inMemoryLimit` messages, else `disk`.
        case auto
    }

    /// The largest scenario `--store auto` keeps in memory.
    static let inMemoryLimit = 200_000

    /// The usage line.
    static let usage =
        "usage: clusterd-ingest-bench [--messages N] [--minilm-messages N] [--rounds R] [--timeout-per-1000 S] "
        + "[--clusterd PATH] [--texts PATH] [--server-env KEY=VALUE]... [--no-hashing] [--only sweep|triggered] [--store memory|disk|auto]"

    /// A command line that cannot be used.
    struct Problem: Error, CustomStringConvertible, Equatable {
        /// What is wrong with it.
        var description: String
    }

    /// Defaults.
    init() {}

    /// Parses `arguments` (without the program name).
    init(arguments: [String]) throws(Problem) {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            if flag == "--no-hashing" {
                skipHashing = true
                continue
            }
            guard let value = rest.popFirst() else { throw Problem(description: "\(flag) needs a value") }
            switch flag {
            case "--messages": messages = try Self.count(value, flag, minimum: 1)
            case "--minilm-messages": miniLMMessages = try Self.count(value, flag, minimum: 0)
            case "--rounds": rounds = try Self.count(value, flag, minimum: 1)
            case "--timeout-per-1000":
                guard let seconds = Double(value), seconds > 0, seconds.isFinite else {
                    throw Problem(description: "--timeout-per-1000 needs a positive number of seconds, not \(value)")
                }
                timeoutPerThousandSeconds = seconds
            case "--clusterd": clusterdPath = value
            case "--store":
                guard let storage = Storage(rawValue: value) else {
                    throw Problem(description: "--store takes memory, disk or auto, not \(value)")
                }
                self.storage = storage
            case "--only":
                guard let arrival = IngestScenario.Arrival(rawValue: value) else {
                    throw Problem(description: "--only takes sweep or triggered, not \(value)")
                }
                onlyArrival = arrival
            case "--texts": textsPath = value
            case "--server-env":
                guard let equals = value.firstIndex(of: "="), equals != value.startIndex else {
                    throw Problem(description: "--server-env needs KEY=VALUE, not \(value)")
                }
                serverEnvironment[String(value[..<equals])] = String(value[value.index(after: equals)...])
            default: throw Problem(description: "unknown option \(flag)")
            }
        }
    }

    /// Whether a scenario of `count` messages keeps its store in memory.
    func storesInMemory(_ count: Int) -> Bool {
        switch storage {
        case .memory: return true
        case .disk: return false
        case .auto: return count <= Self.inMemoryLimit
        }
    }

    /// The time limit for analysing `count` messages.
    func timeout(for count: Int) -> Duration {
        .seconds(baseTimeoutSeconds + timeoutPerThousandSeconds * Double(count) / 1000)
    }

    private static func count(_ value: String, _ flag: String, minimum: Int) throws(Problem) -> Int {
        guard let number = Int(value.replacingOccurrences(of: "_", with: "")), number >= minimum else {
            throw Problem(description: "\(flag) needs a whole number ≥ \(minimum), not \(value)")
        }
        return number
    }
}
