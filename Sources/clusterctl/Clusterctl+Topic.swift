import ArgumentParser
import ClusterdCore
import ClusterdRPC
import Foundation

extension Clusterctl {
    /// `clusterctl topic rename|pin|unpin|merge|log`.
    struct Topic: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Curate topics by hand: rename, pin or unpin a name, merge two topics, show the log.",
            discussion: """
                Curation is stored in MongoDB and applied by every later run, and each change is logged with who \
                made it ("token" or "local", with the client's name) and when. A rename or pin shows in the latest \
                run at once and is kept while the stable id continues (neither Claude nor local naming replaces \
                it); unpin and merge apply from the next run.

                \(ExitCodes.help)
                """,
            subcommands: [Rename.self, Pin.self, Unpin.self, Merge.self, Log.self]
        )

        /// Sends one change and prints what it does.
        static func curate(_ call: CurationRequest, connection: ConnectionOptions) async throws {
            let outcome = try await connection.withClient { try await $0.curateTopic(call) }
            print(PrintableText.escaped(outcome.message))
        }

        /// `clusterctl topic rename ID NAME`.
        struct Rename: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Give a topic a name later runs keep.")
            @OptionGroup var connection: ConnectionOptions
            @Argument(help: "The topic's stable id.") var id: String
            @Argument(help: "The new name.") var name: String
            @Option(help: "A new description (default: the run's own).") var description: String?

            func run() async throws {
                let call = CurationRequest(action: .rename, stableID: id, name: name, description: description ?? "")
                try await Topic.curate(call, connection: connection)
            }
        }

        /// `clusterctl topic pin ID`.
        struct Pin: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Keep a topic's current name in later runs.")
            @OptionGroup var connection: ConnectionOptions
            @Argument(help: "The topic's stable id.") var id: String

            func run() async throws {
                try await Topic.curate(CurationRequest(action: .pin, stableID: id), connection: connection)
            }
        }

        /// `clusterctl topic unpin ID`.
        struct Unpin: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Drop a kept name: from the next run the topic is named by the usual rules."
            )
            @OptionGroup var connection: ConnectionOptions
            @Argument(help: "The topic's stable id.") var id: String

            func run() async throws {
                try await Topic.curate(CurationRequest(action: .unpin, stableID: id), connection: connection)
            }
        }

        /// `clusterctl topic merge ID INTO`.
        struct Merge: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Merge a topic into another: from the next run its conversations are reported under INTO."
            )
            @OptionGroup var connection: ConnectionOptions
            @Argument(help: "The topic merged away (stable id).") var id: String
            @Argument(help: "The surviving topic (stable id).") var into: String

            func run() async throws {
                let call = CurationRequest(action: .merge, stableID: id, intoStableID: into)
                try await Topic.curate(call, connection: connection)
            }
        }

        /// `clusterctl topic log [ID]`.
        struct Log: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show the curated topics and the curation log, newest first."
            )
            @OptionGroup var connection: ConnectionOptions
            @Argument(help: "Only this topic (as the changed or the surviving one).") var id: String?
            @Option(help: "At most this many changes (default 100, at most 1000).") var limit: UInt32 = 0
            @Flag(help: "Print JSON (topics, changes).") var json = false

            func run() async throws {
                let log = try await connection.withClient { try await $0.curationLog(stableID: id ?? "", limit: limit) }
                print(json ? CurationView.json(log) : CurationView.render(log))
            }
        }
    }
}
