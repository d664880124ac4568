import ArgumentParser
import ClusterdCore
import ClusterdRPC
import Foundation

extension Clusterctl {
    /// `clusterctl conversation ID`.
    struct Conversation: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show where a conversation sits: its cluster path, base to top, provisional or not.",
            discussion: """
                Prints the conversation's assignment in the latest successful run or, for a conversation analysed \
                since, its provisional placement at that run's nearest base cluster: the distance and the path \
                from the base cluster up to the top level. Not found (66) when no run has succeeded yet or the \
                conversation has neither.

                \(ExitCodes.help)
                """
        )

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var display: DisplayOptions

        @Argument(help: "The conversation id.")
        var id: String

        @Flag(help: "Print JSON (conversation_id, run_id, provisional, distance, assigned_at, path).")
        var json = false

        func run() async throws {
            let placement = try await connection.withClient { try await $0.conversationCluster(id: id) }
            print(json ? PlacementView.json(placement) : PlacementView.render(placement, terminal: display.terminal))
        }
    }
}
