import ArgumentParser
import ClusterdCore
import ClusterdRPC
import Foundation

extension Clusterctl {
    /// `clusterctl force`.
    struct Force: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a clustering now, whatever the trigger rules say.",
            discussion: """
                With --wait, follows the run (a live progress bar of its stages on a terminal, one line per stage \
                otherwise, both on stderr) and prints its result on stdout.

                \(ExitCodes.help)
                """
        )

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var display: DisplayOptions

        @Flag(help: "Wait until the run ends, showing its stage and progress.")
        var wait = false

        @Option(help: "Seconds to wait with --wait (exit 124 when they pass).")
        var waitTimeout: Double = 600

        func run() async throws {
            let terminal = display.terminal
            try await connection.withClient { client in
                let before = try await client.status().lastRun?.id
                let result = try await client.forceClustering()
                print(result.message)
                if wait { try await waitForRun(client: client, previousRunID: before, terminal: terminal) }
            }
        }

        /// Polls status until no run is queued or running and a run newer than `previousRunID` has ended.
        private func waitForRun(client: ClusterdClient, previousRunID: String?, terminal: Terminal) async throws {
            let deadline = Date().addingTimeInterval(waitTimeout)
            var bar = ProgressBar(terminal: terminal)
            while Date() < deadline {
                let status = try await client.status()
                if status.clusteringInProgress {
                    bar.update(stage: status.clusteringStage, progress: status.clusteringProgress)
                } else if let run = status.lastRun, run.id != previousRunID, run.status != "running" {
                    bar.finish(succeeded: run.status == "succeeded" || run.status == "skipped")
                    print(
                        "run \(run.id) \(terminal.runStatus(run.status)): \(run.clustersCreated) clusters from "
                            + "\(run.totalConversations) conversations in \(run.durationMs) ms"
                    )
                    if !run.error.isEmpty { print("  \(run.error)") }
                    if run.status == "failed" || run.status == "abandoned" { throw ExitCode(ExitCodes.runFailed) }
                    return
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            bar.finish(succeeded: false)
            Terminal.writeError("clusterctl: the run did not end within \(waitTimeout.formatted()) s\n")
            throw ExitCode(ExitCodes.waitTimedOut)
        }
    }
}
