import ArgumentParser
import ClusterdCore
import ClusterdRPC
import Foundation

/// The operator's command-line client for clusterd.
@main
struct Clusterctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clusterctl",
        abstract: "Operate a clusterd server: status, force a clustering, trigger analyses, list clusters.",
        discussion: ExitCodes.help,
        version: "0.1.0",
        subcommands: [Status.self, Force.self, Trigger.self, Clusters.self]
    )
}

extension Clusterctl {
    /// `clusterctl status`.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the service's status.",
            discussion: ExitCodes.help
        )

        @OptionGroup var connection: ConnectionOptions

        @Flag(help: "Print the seed's status JSON instead of a table.")
        var json = false

        func run() async throws {
            let status = try await connection.withClient { try await $0.status() }
            print(json ? status.jsonString() : StatusTable.render(status))
        }
    }

    /// `clusterctl force`.
    struct Force: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a clustering now, whatever the trigger rules say.",
            discussion: ExitCodes.help
        )

        @OptionGroup var connection: ConnectionOptions

        @Flag(help: "Wait until the run ends, showing its stage and progress.")
        var wait = false

        @Option(help: "Seconds to wait with --wait.")
        var waitTimeout: Double = 600

        func run() async throws {
            try await connection.withClient { client in
                let before = try await client.status().lastRun?.id
                let result = try await client.forceClustering()
                print(result.message)
                if wait { try await waitForRun(client: client, previousRunID: before) }
            }
        }

        /// Polls status until no run is queued or running and a run newer than `previousRunID` has ended.
        private func waitForRun(client: ClusterdClient, previousRunID: String?) async throws {
            let deadline = Date().addingTimeInterval(waitTimeout)
            var lastLine = ""
            while Date() < deadline {
                let status = try await client.status()
                if status.clusteringInProgress {
                    let line = "  \(status.clusteringStage) \(Int(status.clusteringProgress * 100))%"
                    if line != lastLine { print(line) }
                    lastLine = line
                } else if let run = status.lastRun, run.id != previousRunID, run.status != "running" {
                    print(
                        "run \(run.id) \(run.status): \(run.clustersCreated) clusters from "
                            + "\(run.totalConversations) conversations in \(run.durationMs) ms"
                    )
                    if !run.error.isEmpty { print("  \(run.error)") }
                    if run.status == "failed" { throw ExitCode(70) }
                    return
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            throw RPCError(code: .unavailable, message: "the run did not end within \(Int(waitTimeout)) s")
        }
    }

    /// `clusterctl trigger`.
    struct Trigger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Trigger analysis of messages (ids as arguments, or one per line on stdin).",
            discussion: ExitCodes.help
        )

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "Message ids (ObjectId hex or any string). Reads stdin when none are given.")
        var messageIDs: [String] = []

        func run() async throws {
            var ids = messageIDs
            if ids.isEmpty {
                while let line = readLine() {
                    let id = line.trimmingCharacters(in: .whitespaces)
                    if !id.isEmpty { ids.append(id) }
                }
            }
            try await connection.withClient { client in
                var worst: RPCError?
                for id in ids {
                    do {
                        let outcome = try await client.triggerAnalysis(messageID: id)
                        print("\(id)\t\(outcome)")
                    } catch let error as RPCError {
                        FileHandle.standardError.write(
                            Data("clusterctl: \(id): \(error.message) (\(error.code))\n".utf8)
                        )
                        worst = worst ?? error
                    }
                }
                if let worst { throw ExitCode(ExitCodes.code(for: worst.code)) }
            }
        }
    }

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
