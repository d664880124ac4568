import ArgumentParser
import ClusterdCore
import ClusterdRPC
import Foundation

extension Clusterctl {
    /// `clusterctl clusters`.
    struct Clusters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the latest successful run's clusters (or a given run's).",
            discussion: ExitCodes.help
        )

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "Run id (default: the latest successful run).")
        var run: String?

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let listing = try await connection.withClient { try await $0.listClusters(runID: run ?? "") }
            print(json ? ClusterTable.json(listing) : ClusterTable.render(listing))
        }
    }
}
