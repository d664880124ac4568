import ArgumentParser
import ClusterdCore
import ClusterdRPC
import Foundation

extension Clusterctl {
    /// `clusterctl runs`.
    struct Runs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the most recent clustering runs of any status, newest first.",
            discussion: ExitCodes.help
        )

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var display: DisplayOptions

        @Option(help: "How many runs (1 to 1000).")
        var limit: Int = 20

        @Flag(help: "Print JSON (an array of runs).")
        var json = false

        func validate() throws {
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be 1 to 1000") }
        }

        func run() async throws {
            let runs = try await connection.withClient { try await $0.listRuns(limit: limit) }
            print(json ? RunTable.json(runs) : RunTable.render(runs, terminal: display.terminal))
        }
    }
}
