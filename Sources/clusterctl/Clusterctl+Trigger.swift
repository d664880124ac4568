import ArgumentParser
import ClusterdCore
import ClusterdRPC
import Foundation

extension Clusterctl {
    /// `clusterctl trigger`.
    struct Trigger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Trigger analysis of messages (ids as arguments, or one per line on stdin), in batches.",
            discussion: """
                Prints "ID<TAB>OUTCOME" per accepted id on stdout, and each refused id with its reason on stderr, \
                then a summary on stderr. Ids are sent in batches (TriggerAnalysisBatch), so a backfill of many \
                thousands of ids takes a few round trips; against a server without batches it falls back to one \
                call per id. Refused ids are still found later by the server's catch-up sweep. The exit code is \
                that of the first refusal.

                \(ExitCodes.help)
                """
        )

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "Ids per batch (1 to 10000).")
        var batchSize: Int = 1000

        @Argument(help: "Message ids (ObjectId hex or any string). Reads stdin when none are given.")
        var messageIDs: [String] = []

        /// The wire name of an outcome: QUEUED, ALREADY_QUEUED, RECORDED, UNSPECIFIED.
        static func wireName(_ outcome: TriggerOutcome) -> String {
            switch outcome {
            case .unspecified: return "UNSPECIFIED"
            case .queued: return "QUEUED"
            case .alreadyQueued: return "ALREADY_QUEUED"
            case .recorded: return "RECORDED"
            }
        }

        func validate() throws {
            guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be 1 to 10000") }
        }

        func run() async throws {
            var ids = messageIDs
            if ids.isEmpty {
                while let line = readLine() {
                    let id = line.trimmingCharacters(in: .whitespaces)
                    if !id.isEmpty { ids.append(id) }
                }
            }
            guard !ids.isEmpty else { throw ValidationError("no message ids (give them as arguments or on stdin)") }
            try await connection.withClient { client in
                var counts: [TriggerOutcome: Int] = [:]
                var refused = 0
                var first: RPCError?
                func record(_ id: String, _ result: TriggerItemResult) {
                    if let error = result.error {
                        Terminal.writeError("clusterctl: \(id): \(error.message) (\(error.code))\n")
                        refused += 1
                        first = first ?? error
                    } else {
                        print("\(id)\t\(Self.wireName(result.outcome))")
                        counts[result.outcome, default: 0] += 1
                    }
                }
                var batched = true
                for start in stride(from: 0, to: ids.count, by: batchSize) {
                    let chunk = Array(ids[start..<min(start + batchSize, ids.count)])
                    if batched {
                        do {
                            let (results, _) = try await client.triggerAnalysisBatch(
                                chunk.map { TriggerItem(messageID: $0) }
                            )
                            for (id, result) in zip(chunk, results) { record(id, result) }
                            continue
                        } catch let error as RPCError where error.code == .unimplemented {
                            batched = false  // an older server: one call per id
                        }
                    }
                    for id in chunk {
                        do {
                            record(id, TriggerItemResult(outcome: try await client.triggerAnalysis(messageID: id)))
                        } catch let error as RPCError where error.code != .unavailable {
                            record(id, TriggerItemResult(outcome: .unspecified, error: error))
                        }
                    }
                }
                Terminal.writeError(
                    "\(ids.count) ids: \(counts[.queued] ?? 0) queued, \(counts[.alreadyQueued] ?? 0) already queued, "
                        + "\(counts[.recorded] ?? 0) recorded, \(refused) refused\n"
                )
                if let first { throw ExitCode(ExitCodes.code(for: first.code)) }
            }
        }
    }
}
