import ClusterdCore
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd {
    @Suite("clusterctl", .enabled(if: TestBinaries.clusterctl != nil, "clusterctl is not built"))
    struct Clusterctl {
        private static func clusterctl(
            _ arguments: [String],
            environment: [String: String] = [:]
        ) async throws -> ChildProcess.Output {
            let program = try #require(TestBinaries.clusterctl)
            var merged = ChildProcess.baseEnvironment
            merged.merge(environment) { _, new in new }
            return try await ChildProcess.run(program, arguments, environment: merged, timeout: .seconds(30))
        }

        /// Runs a shell command line (for stdin pipes and pseudo-terminals); `$CLUSTERCTL` is the binary.
        private static func shell(_ command: String, environment: [String: String] = [:]) async throws
            -> ChildProcess.Output
        {
            let program = try #require(TestBinaries.clusterctl)
            var merged = ChildProcess.baseEnvironment
            merged["CLUSTERCTL"] = program
            merged.merge(environment) { _, new in new }
            return try await ChildProcess.run("/bin/sh", ["-c", command], environment: merged, timeout: .seconds(60))
        }

        private static let escape = "\u{1B}["

        @Test("--help lists the subcommands, every exit code once, and completions; each subcommand has help")
        func help() async throws {
            let output = try await Self.clusterctl(["--help"])
            #expect(output.exitCode == 0)
            let text = output.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            for word in [
                "status", "watch", "force", "trigger", "runs", "clusters", "conversation", "forget", "report",
                "Exit codes:",
                "69 server unreachable",
                "--generate-completion-script", "NO_COLOR", "TERM=dumb", "Errors go to stderr",
            ] {
                #expect(text.contains(word), "--help lacks \(word):\n\(output.stdout)")
            }
            // One code per wire status, and no code used twice.
            let exitCodes = try #require(text.range(of: "Exit codes: ")).upperBound
            let entries = text[exitCodes...].components(separatedBy: "; ")
            let codes = entries.compactMap { Int($0.prefix { $0.isNumber }) }
            #expect(codes.count == entries.count && Set(codes).count == codes.count, "\(entries)")
            #expect(Set(codes) == [0, 1, 64, 65, 66, 69, 70, 75, 76, 77, 78, 124])
            for status in [
                "INVALID_ARGUMENT", "NOT_FOUND", "UNAVAILABLE", "INTERNAL", "RESOURCE_EXHAUSTED", "UNIMPLEMENTED",
                "UNAUTHENTICATED", "FAILED_PRECONDITION",
            ] {
                #expect(entries.filter { $0.contains(status) }.count == 1, "\(status) in \(entries)")
            }
            for subcommand in [
                "status", "watch", "force", "trigger", "runs", "clusters", "conversation", "forget", "report",
            ] {
                let help = try await Self.clusterctl([subcommand, "--help"])
                #expect(help.exitCode == 0)
                #expect(help.stdout.contains("--address") && help.stdout.contains("Exit codes:"), "\(subcommand)")
            }
            let force = try await Self.clusterctl(["force", "--help"])
            #expect(force.stdout.contains("--wait-timeout") && force.stdout.contains("progress bar"))
            let status = try await Self.clusterctl(["status", "--help"])
            #expect(status.stdout.contains("--json") && status.stdout.contains("--color"))
        }

        @Test("shell completion scripts are generated for bash, zsh and fish")
        func completions() async throws {
            for shell in ["bash", "zsh", "fish"] {
                let output = try await Self.clusterctl(["--generate-completion-script", shell])
                #expect(output.exitCode == 0, "\(shell): \(output.stderr)")
                for word in ["clusterctl", "status", "trigger", "runs", "address", "wait-timeout"] {
                    #expect(output.stdout.contains(word), "\(shell) completion lacks \(word)")
                }
            }
        }

        @Test("status --json has the seed's keys; force --wait reports the run; runs and clusters as tables and JSON")
        func againstLiveServer() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let corpus = Corpus(conversationsPerTopic: 1, messagesPerConversation: 2)
            try corpus.insert(into: store)
            try await ServerProcess.with(store: configuration, environment: Self.fallbackEmbedder) { server in
                let address = ["--address", server.address]
                let trigger = try await Self.clusterctl(["trigger"] + address + corpus.messageIDs.prefix(2))
                #expect(trigger.exitCode == 0, "\(trigger.stderr)")
                #expect(trigger.stdout.split(separator: "\n").count == 2)
                #expect(trigger.stdout.contains("\t"), "ID<TAB>OUTCOME lines: \(trigger.stdout)")
                // The rest from stdin, blank lines skipped, in one batch.
                let ids = corpus.messageIDs.dropFirst(2).joined(separator: "\n")
                let piped = try await Self.shell(
                    "printf '\(ids)\\n\\n' | \"$CLUSTERCTL\" trigger --address \(server.address)"
                )
                #expect(piped.exitCode == 0, "\(piped.stderr)")
                #expect(piped.stdout.split(separator: "\n").count == corpus.messageIDs.count - 2)
                #expect(piped.stderr.contains("\(corpus.messageIDs.count - 2) ids:"), "\(piped.stderr)")

                try await waitUntil("every message analysed", timeout: .seconds(30)) {
                    try store.countAnalyses() == corpus.messages.count
                }
                let force = try await Self.clusterctl(["force", "--wait", "--wait-timeout", "60"] + address)
                #expect(force.exitCode == 0, "\(force.stdout)\(force.stderr)")
                #expect(force.stdout.contains("succeeded"), "\(force.stdout)")
                #expect(!force.stdout.contains(Self.escape) && !force.stderr.contains(Self.escape), "no TTY, no ANSI")

                let output = try await Self.clusterctl(["status", "--json"] + address)
                #expect(output.exitCode == 0, "\(output.stderr)")
                let parsed = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8))
                let object = try #require(parsed as? [String: Any], "\(output.stdout)")
                let seedKeys: Set<String> = [
                    "enabled", "clustering_in_progress", "unprocessed_messages", "minutes_since_last_clustering",
                    "should_trigger_clustering", "trigger_reason", "configuration", "latest_clustering_run",
                ]
                #expect(Set(object.keys) == seedKeys.union(["operator"]))
                let settings = try #require(object["configuration"] as? [String: Any])
                #expect(Set(settings.keys) == ["message_threshold", "time_threshold_minutes"])
                #expect(settings["message_threshold"] as? Int == 3)
                #expect(object["enabled"] as? Bool == true)
                let run = try #require(object["latest_clustering_run"] as? [String: Any], "no run in \(output.stdout)")
                #expect(run["status"] as? String == "succeeded")
                let runID = try #require(run["id"] as? String)

                let table = try await Self.clusterctl(["clusters"] + address)
                #expect(table.exitCode == 0, "\(table.stderr)")
                let lines = table.stdout.split(separator: "\n")
                #expect(lines.first?.hasPrefix("run \(runID) (succeeded)") == true, "\(table.stdout)")
                #expect(lines.contains { $0.hasPrefix("STABLE ID") && $0.contains("SIZE") && $0.contains("NAME") })
                #expect(lines.count >= 4, "a header line, a column header and at least two clusters")
                let clustersJSON = try await Self.clusterctl(["clusters", "--json", "--run", runID] + address)
                let listing = try #require(
                    try JSONSerialization.jsonObject(with: Data(clustersJSON.stdout.utf8)) as? [String: Any]
                )
                #expect((listing["run"] as? [String: Any])?["id"] as? String == runID)
                #expect(((listing["clusters"] as? [Any])?.count ?? 0) >= 2)

                let runs = try await Self.clusterctl(["runs", "--json", "--limit", "5"] + address)
                #expect(runs.exitCode == 0, "\(runs.stderr)")
                let array = try #require(
                    try JSONSerialization.jsonObject(with: Data(runs.stdout.utf8)) as? [[String: Any]]
                )
                #expect(array.first?["id"] as? String == runID)
                #expect(array.first?["status"] as? String == "succeeded")
                let keys = Set(array.first.map { Array($0.keys) } ?? [])
                #expect(keys.isSuperset(of: ["created_at", "clusters_created"]))
                let runTable = try await Self.clusterctl(["runs"] + address)
                #expect(runTable.stdout.hasPrefix("RUN ID") && runTable.stdout.contains(runID), "\(runTable.stdout)")

                let status = try await Self.clusterctl(["status"] + address)
                #expect(status.exitCode == 0)
                #expect(status.stdout.contains("health") && status.stdout.contains("DEGRADED: embedder:fallback"))
                #expect(status.stdout.contains("latest clustering run") && status.stdout.contains(runID))
            }
        }

        @Test("forget erases a conversation's analyses, assignments and cluster references, and message ids' analyses")
        func forget() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let corpus = Corpus(conversationsPerTopic: 1, messagesPerConversation: 2)
            try corpus.insert(into: store)
            try await ServerProcess.with(store: configuration, environment: Self.fallbackEmbedder) { server in
                let address = ["--address", server.address]
                try await Self.forceAndSettle(server)
                let run = try #require(try store.latestSuccessfulRun())
                let conversation = corpus.conversations[0]
                #expect(try store.assignments(runID: run.id).contains { $0.conversationID == conversation })

                let erased = try await Self.clusterctl(
                    ["forget", "--conversation", conversation.description] + address
                )
                #expect(erased.exitCode == 0, "\(erased.stderr)")
                #expect(
                    erased.stdout.hasPrefix("erased 2 analyses, "),
                    "one assignment per successful run: \(erased.stdout)"
                )
                #expect(try !store.assignments(runID: run.id).contains { $0.conversationID == conversation })
                #expect(
                    try store.clusters(runID: run.id).allSatisfy {
                        !$0.representativeConversationIDs.contains(conversation)
                    }
                )
                let own = corpus.messages.filter { $0.conversationID == conversation }.map(\.id)
                #expect(try own.allSatisfy { try store.analysis(messageID: $0) == nil })

                let other = corpus.messages.first { $0.conversationID != conversation }!.id
                let byID = try await Self.clusterctl(["forget", other.description] + address)
                #expect(
                    byID.exitCode == 0 && byID.stdout.hasPrefix("erased 1 analyses"),
                    "\(byID.stdout)\(byID.stderr)"
                )
                #expect(try store.analysis(messageID: other) == nil)

                let both = try await Self.clusterctl(["forget", "--conversation", "c", "m"] + address)
                #expect(both.exitCode == 64 && both.stderr.contains("not both"), "\(both.stderr)")
                let neither = try await Self.clusterctl(["forget"] + address)
                #expect(neither.exitCode == 64, "\(neither.stderr)")
                let empty = try await Self.clusterctl(["forget", ""] + address)
                #expect(empty.exitCode == 65 && empty.stderr.contains("message_id is empty"), "\(empty.stderr)")
            }
        }

        @Test("conversation shows a conversation's cluster path: the run's assignment, then a provisional placement")
        func conversation() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let corpus = Corpus(conversationsPerTopic: 1, messagesPerConversation: 2)
            try corpus.insert(into: store)
            // No automatic run: the conversation added after the forced run stays provisional.
            var environment = Self.fallbackEmbedder
            environment["CLUSTERING_MESSAGE_THRESHOLD"] = "100000"
            environment["CLUSTERING_TIME_THRESHOLD_MINUTES"] = "100000"
            try await ServerProcess.with(store: configuration, environment: environment) { server in
                let address = ["--address", server.address]
                try await Self.forceAndSettle(server)
                let run = try #require(try store.latestSuccessfulRun())
                let conversation = corpus.conversations[0].description

                let output = try await Self.clusterctl(["conversation", conversation, "--json"] + address)
                #expect(output.exitCode == 0, "\(output.stderr)")
                let placed = try #require(
                    try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any],
                    "\(output.stdout)"
                )
                #expect(
                    Set(placed.keys) == ["conversation_id", "run_id", "provisional", "distance", "assigned_at", "path"]
                )
                #expect(placed["conversation_id"] as? String == conversation)
                #expect(placed["run_id"] as? String == run.id.description)
                #expect(placed["provisional"] as? Bool == false)
                #expect(placed["assigned_at"] is NSNull)
                let path = try #require(placed["path"] as? [[String: Any]])
                #expect(path.first?["level"] as? Int == 0, "base first: \(path)")
                #expect(((path.first?["size"] as? Int) ?? 0) >= 1 && !((path.first?["name"] as? String) ?? "").isEmpty)
                let assigned = try store.assignments(runID: run.id).first {
                    $0.conversationID == corpus.conversations[0]
                }
                #expect(path.first?["stable_id"] as? String == assigned?.stableID)

                let text = try await Self.clusterctl(["conversation", conversation] + address)
                #expect(text.exitCode == 0, "\(text.stderr)")
                #expect(
                    text.stdout.contains("assigned by the run") && text.stdout.contains("level 0"),
                    "\(text.stdout)"
                )

                // A conversation first analysed after the run: placed provisionally at the nearest base cluster.
                let later = Corpus(conversationsPerTopic: 1, messagesPerConversation: 2, topicCount: 1)
                try later.insert(into: store)
                let trigger = try await Self.clusterctl(["trigger"] + address + later.messageIDs)
                #expect(trigger.exitCode == 0, "\(trigger.stderr)")
                let newcomer = later.conversations[0].description
                var provisional: [String: Any] = [:]
                try await waitUntil("a provisional placement", timeout: .seconds(5)) {
                    let output = try await Self.clusterctl(["conversation", newcomer, "--json"] + address)
                    guard output.exitCode == 0 else { return false }
                    provisional =
                        try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any] ?? [:]
                    return true
                }
                #expect(provisional["provisional"] as? Bool == true, "\(provisional)")
                #expect(provisional["run_id"] as? String == run.id.description)
                #expect(provisional["assigned_at"] is String)
                #expect((provisional["path"] as? [[String: Any]])?.first?["level"] as? Int == 0)
                let provisionalText = try await Self.clusterctl(["conversation", newcomer] + address)
                #expect(provisionalText.stdout.contains("provisional"), "\(provisionalText.stdout)")

                let missing = try await Self.clusterctl(["conversation", "conv-nowhere"] + address)
                #expect(missing.exitCode == 66 && missing.stderr.contains("has no cluster"), "\(missing.stderr)")
                let empty = try await Self.clusterctl(["conversation", ""] + address)
                #expect(empty.exitCode == 65, "\(empty.stderr)")
            }
        }

        @Test("conversation shows control characters in cluster names escaped, never raw")
        func conversationEscapesControlCharacters() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            // A succeeded run whose one cluster has a hostile name, and an assignment to it.
            let now = Date()
            let run = ClusteringRun(
                id: ObjectIDGenerator.make(),
                createdAt: now,
                finishedAt: now,
                status: .succeeded,
                triggerReason: "test",
                totalConversations: 1,
                clustersCreated: 1,
                inputs: RunInputs(
                    seed: 1,
                    embedder: "test",
                    kRule: "silhouette",
                    messageThreshold: 3,
                    timeThresholdMinutes: 30,
                    snapshotAnalyzedBefore: now
                )
            )
            try store.insertRun(run)
            let hostile = "Refunds\u{1B}[2J\u{07}\u{202E}evil\u{9B}31m"
            try store.saveClusters(
                [
                    Cluster(
                        runID: run.id,
                        stableID: "c-esc",
                        name: hostile,
                        description: "",
                        size: 1,
                        topConcepts: [],
                        representativeConversationIDs: [.string("conv-esc")],
                        centroid: [1, 0]
                    )
                ],
                assignments: [
                    ClusterAssignment(
                        conversationID: .string("conv-esc"),
                        runID: run.id,
                        stableID: "c-esc",
                        distance: 0.5
                    )
                ]
            )
            try await ServerProcess.with(store: configuration, environment: Self.fallbackEmbedder) { server in
                let address = ["--address", server.address]
                let text = try await Self.clusterctl(["conversation", "conv-esc", "--color", "always"] + address)
                #expect(text.exitCode == 0, "\(text.stderr)")
                let raw = text.stdout.unicodeScalars.filter {
                    $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\u{1B}"
                }
                #expect(raw.isEmpty, "raw control characters: \(raw.map(\.value))")
                // Colour is the only escape sequence: every ESC starts an SGR sequence clusterctl wrote itself.
                #expect(!text.stdout.contains("\u{1B}[2J") && !text.stdout.contains("\u{202E}"), "\(text.stdout)")
                #expect(text.stdout.contains("Refunds\\x1B[2J\\x07\\u{202E}evil\\x9B31m"), "\(text.stdout)")
                let json = try await Self.clusterctl(["conversation", "conv-esc", "--json"] + address)
                let object = try #require(
                    try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any],
                    "\(json.stdout)"
                )
                // JSON carries the name exactly (its own escaping keeps the terminal safe).
                #expect((object["path"] as? [[String: Any]])?.first?["name"] as? String == hostile)
                #expect(
                    !json.stdout.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" }
                )
            }
        }

        /// A server without its model: the hashing fallback, so status shows a degraded part to highlight.
        static let fallbackEmbedder = ["CLUSTERD_MODEL_DIR": "/nonexistent/clusterd-model"]

        /// Forces a run with `clusterctl force --wait` (expected to succeed), then waits until no run is queued or
        /// running: the start-up sweep or the first-run rule may have started one before the forced one.
        private static func forceAndSettle(_ server: ServerProcess) async throws {
            let force = try await clusterctl(["force", "--wait", "--wait-timeout", "60", "--address", server.address])
            #expect(force.exitCode == 0 && force.stdout.contains("succeeded"), "\(force.stdout)\(force.stderr)")
            let client = try await server.connect()
            try await waitUntil("no run in progress", timeout: .seconds(60)) {
                try await !client.status().clusteringInProgress
            }
            await client.close()
        }

        @Test("colour only on a terminal or with --color always, never with NO_COLOR or TERM=dumb")
        func colour() async throws {
            let configuration = try EmbeddedMongo.configuration()
            try await ServerProcess.with(store: configuration, environment: Self.fallbackEmbedder) { server in
                let address = ["--address", server.address]
                let plain = try await Self.clusterctl(["status"] + address, environment: ["TERM": "xterm"])
                #expect(plain.exitCode == 0 && !plain.stdout.contains(Self.escape), "not a terminal: no colour")
                let forced = try await Self.clusterctl(["status", "--color", "always"] + address)
                #expect(forced.stdout.contains(Self.escape + "31;1mDEGRADED:"), "\(forced.stdout)")
                for veto in [["NO_COLOR": "1"], ["TERM": "dumb"]] {
                    let vetoed = try await Self.clusterctl(
                        ["status", "--color", "always"] + address,
                        environment: veto
                    )
                    #expect(!vetoed.stdout.contains(Self.escape), "\(veto) must turn colour off")
                    #expect(vetoed.stdout.contains("DEGRADED: embedder:fallback"), "the words stay")
                }
                guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
                // A real pseudo-terminal: colour by default, none with NO_COLOR or --color never.
                let command = "script -qec '\"$CLUSTERCTL\" status --address \(server.address)' /dev/null"
                let tty = try await Self.shell(command, environment: ["TERM": "xterm"])
                #expect(tty.stdout.contains(Self.escape), "a terminal gets colour: \(tty.stdout)")
                let noColor = try await Self.shell(command, environment: ["TERM": "xterm", "NO_COLOR": "1"])
                #expect(!noColor.stdout.contains(Self.escape) && noColor.stdout.contains("health"), "\(noColor.stdout)")
                let never = try await Self.shell(
                    "script -qec '\"$CLUSTERCTL\" status --color never --address \(server.address)' /dev/null",
                    environment: ["TERM": "xterm"]
                )
                #expect(!never.stdout.contains(Self.escape))
            }
        }

        @Test("watch refreshes the table; force --wait on a terminal draws a progress bar")
        func watchAndProgress() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            try Corpus(conversationsPerTopic: 2, messagesPerConversation: 2).insert(into: store)
            try await ServerProcess.with(store: configuration) { server in
                let watch = try await Self.clusterctl(
                    ["watch", "--count", "3", "--interval", "0.2", "--address", server.address]
                )
                #expect(watch.exitCode == 0, "\(watch.stderr)")
                #expect(watch.stdout.components(separatedBy: "every 0.2s: clusterd at \(server.address)").count == 4)
                #expect(watch.stdout.components(separatedBy: "\nhealth").count == 4, "\(watch.stdout)")
                guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
                let force = try await Self.shell(
                    "script -qec '\"$CLUSTERCTL\" force --wait --wait-timeout 60 --address \(server.address)' /dev/null",
                    environment: ["TERM": "xterm"]
                )
                #expect(force.exitCode == 0, "\(force.stdout)")
                #expect(force.stdout.contains("] 100%  done"), "the bar completes: \(force.stdout)")
                #expect(force.stdout.contains("\r\u{1B}[2K"), "the bar redraws in place")
                #expect(force.stdout.contains("succeeded"))
            }
            // A server that is gone: watch says so and exits with the unavailable code.
            let port = try EmbeddedMongo.freePort()
            let down = try await Self.clusterctl(["watch", "--count", "1", "--address", "127.0.0.1:\(port)"])
            #expect(down.exitCode == 69)
            #expect(down.stdout.contains("unreachable: cannot connect to 127.0.0.1:\(port)"), "\(down.stdout)")
        }

        @Test("exit codes: 64 usage, 65 invalid id, 66 unknown run, 69 closed port, 75 queue full, 77 token, 124 wait")
        func exitCodes() async throws {
            let port = try EmbeddedMongo.freePort()
            let closed = try await Self.clusterctl(["status", "--address", "127.0.0.1:\(port)", "--timeout", "5"])
            #expect(closed.exitCode == 69)
            #expect(
                closed.stderr.contains("cannot connect to 127.0.0.1:\(port): connection refused"),
                "\(closed.stderr)"
            )
            #expect(closed.stdout.isEmpty, "errors go to stderr")
            let usage = try await Self.clusterctl(["status", "--address", "no-port"])
            #expect(usage.exitCode == 64, "\(usage.stderr)")
            let configuration = try EmbeddedMongo.configuration()
            let environment = [
                "CLUSTERD_TOKEN": "exit-code-token-0123456789abcdef-0123456789", "CLUSTERD_QUEUE_CAPACITY": "1",
            ]
            try await ServerProcess.with(store: configuration, environment: environment) { server in
                let address = ["--address", server.address]
                let wrong = try await Self.clusterctl(["status", "--token", "nope"] + address)
                #expect(wrong.exitCode == 77 && wrong.stderr.contains("UNAUTHENTICATED"), "\(wrong.stderr)")
                let token = ["--token", "exit-code-token-0123456789abcdef-0123456789"]
                let fromEnvironment = try await Self.clusterctl(
                    ["status"],
                    environment: [
                        "CLUSTERD_ADDRESS": server.address,
                        "CLUSTERD_TOKEN": "exit-code-token-0123456789abcdef-0123456789",
                    ]
                )
                #expect(
                    fromEnvironment.exitCode == 0,
                    "$CLUSTERD_ADDRESS and $CLUSTERD_TOKEN: \(fromEnvironment.stderr)"
                )
                let invalid = try await Self.clusterctl(
                    ["trigger", String(repeating: "x", count: 1025)] + token + address
                )
                #expect(invalid.exitCode == 65 && invalid.stderr.contains("INVALID_ARGUMENT"), "\(invalid.stderr)")
                let unknown = try await Self.clusterctl(
                    ["clusters", "--run", "000000000000000000000000"] + token + address
                )
                #expect(unknown.exitCode == 66 && unknown.stderr.contains("NOT_FOUND"), "\(unknown.stderr)")
                let full = try await Self.clusterctl(["trigger"] + (1...20).map { "missing-\($0)" } + token + address)
                #expect(full.exitCode == 75, "\(full.stdout)\(full.stderr)")
                #expect(full.stderr.contains("RESOURCE_EXHAUSTED") && full.stderr.contains("refused"))
                let timedOut = try await Self.clusterctl(["force", "--wait", "--wait-timeout", "0"] + token + address)
                #expect(timedOut.exitCode == 124, "\(timedOut.stderr)")
            }
        }
    }
}
