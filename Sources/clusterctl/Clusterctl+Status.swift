import ArgumentParser
import ClusterdCore
import ClusterdRPC
import Foundation

extension Clusterctl {
    /// `clusterctl status`.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the service's status: a table with degraded parts highlighted, or --json for scripts.",
            discussion: ExitCodes.help
        )

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var display: DisplayOptions

        @Flag(help: "Print the seed's status JSON (plus an \"operator\" section) instead of a table.")
        var json = false

        func run() async throws {
            let status = try await connection.withClient { try await $0.status() }
            print(json ? status.jsonString() : StatusTable.render(status, terminal: display.terminal))
        }
    }
}
