import ArgumentParser
import ClusterdCore
import ClusterdRPC
import Foundation

extension Clusterctl {
    /// `clusterctl clusters`.
    struct Clusters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the latest successful run's clusters (or a given run's) as a tree of topics.",
            discussion: """
                With --history STABLE_ID: that topic's size and name in each retained successful run, newest                 first, and the lineage events (born, continued, split, merged, retired) that name it.

                \(ExitCodes.help)
                """
        )

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "Run id (default: the latest successful run).")
        var run: String?

        @Option(help: "Only the clusters at this hierarchy level (0: base clusters).")
        var level: Int?

        @Option(help: "Show this topic (stable id) across the retained runs instead.")
        var history: String?

        @Flag(help: "Print JSON (each cluster with its level and parent).")
        var json = false

        func validate() throws {
            if let level, level < 0 { throw ValidationError("--level must be 0 or more.") }
            if history != nil, run != nil {
                throw ValidationError("--history covers every retained run; leave out --run.")
            }
        }

        func run() async throws {
            if let history {
                let found = try await connection.withClient { client in
                    try await client.topicHistory(stableID: history, level: level.map { UInt32($0) })
                }
                print(
                    json
                        ? CurationView.json(history: found.stableID, found.entries)
                        : CurationView.render(history: found.stableID, found.entries)
                )
                return
            }
            let listing = try await connection.withClient { try await $0.listClusters(runID: run ?? "") }
            print(json ? ClusterTable.json(listing, level: level) : ClusterTable.render(listing, level: level))
        }
    }
}
