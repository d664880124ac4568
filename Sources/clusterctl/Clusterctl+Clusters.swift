import ArgumentParser
import ClusterdCore
import ClusterdRPC
import Foundation

extension Clusterctl {
    /// `clusterctl clusters`.
    struct Clusters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the latest successful run's clusters (or a given run's) as a tree of topics.",
            discussion: ExitCodes.help
        )

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "Run id (default: the latest successful run).")
        var run: String?

        @Option(help: "Only the clusters at this hierarchy level (0: base clusters).")
        var level: Int?

        @Flag(help: "Print JSON (each cluster with its level and parent).")
        var json = false

        func validate() throws {
            if let level, level < 0 { throw ValidationError("--level must be 0 or more.") }
        }

        func run() async throws {
            let listing = try await connection.withClient { try await $0.listClusters(runID: run ?? "") }
            print(json ? ClusterTable.json(listing, level: level) : ClusterTable.render(listing, level: level))
        }
    }
}
