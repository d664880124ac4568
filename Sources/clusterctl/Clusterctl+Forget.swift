import ArgumentParser
import ClusterdCore
import ClusterdRPC
import Foundation

extension Clusterctl {
    /// `clusterctl forget`.
    struct Forget: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase what clusterd holds about messages or a conversation (a data-erasure request).",
            discussion: """
                `clusterctl forget ID...` erases the analyses of these messages (at most 10000 per call); \
                `clusterctl forget --conversation ID` erases every analysis of the conversation, its assignments \
                in every run and its place among clusters' representative conversations. Top concepts only the \
                erased messages had leave the clusters, and queued analyses of them are dropped. The host's own \
                messages are not touched: delete them there too, or the sweep analyses them again. Prints the \
                counts erased.

                \(ExitCodes.help)
                """
        )

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "Erase this conversation instead of message ids.")
        var conversation: String?

        @Argument(help: "Message ids (ObjectId hex or any string).")
        var messageIDs: [String] = []

        func validate() throws {
            switch (conversation, messageIDs.isEmpty) {
            case (nil, true): throw ValidationError("give message ids or --conversation ID")
            case (.some, false): throw ValidationError("give message ids or --conversation ID, not both")
            case (nil, false), (.some, true): break
            }
        }

        func run() async throws {
            try await connection.withClient { client in
                let result: ForgetMessagesResult
                if let conversation {
                    result = try await client.forgetConversation(id: conversation)
                } else {
                    result = try await client.forgetMessages(ids: messageIDs)
                }
                print(
                    "erased \(result.analysesErased) analyses, \(result.assignmentsErased) assignments; "
                        + "\(result.clustersScrubbed) clusters scrubbed"
                )
            }
        }
    }
}
