import ArgumentParser
import ClusterdCore
import ClusterdRPC
import Foundation

/// The operator's command-line client for clusterd.
@main
struct Clusterctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clusterctl",
        abstract:
            "Operate a clusterd server: status, watch, force a clustering, trigger analyses, list runs and clusters, show a conversation's cluster, forget messages, export, curate topics.",
        discussion: """
            The server is $CLUSTERD_ADDRESS (or --address, default 127.0.0.1:7420); the token is $CLUSTERD_TOKEN (or \
            --token). Colour appears only on a terminal, never with NO_COLOR or TERM=dumb. Shell completions: \
            clusterctl --generate-completion-script bash|zsh|fish.

            \(ExitCodes.help)
            """,
        version: "0.2.0",
        subcommands: [
            Status.self, Watch.self, Force.self, Trigger.self, Runs.self, Clusters.self, Conversation.self, Forget.self,
            Export.self, Topic.self,
            Report.self,
        ]
    )
}
