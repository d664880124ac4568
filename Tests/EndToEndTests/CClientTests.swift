import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd {
    @Suite("C client", .enabled(if: TestBinaries.cTestClient != nil, "clients/c/build/clusterd-test is not built"))
    struct CClient {
        @Test("clusterd-test passes against a server with a token, and with --wrong-token sees the refusal")
        func cClientAgainstServer() async throws {
            let program = try #require(TestBinaries.cTestClient)
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let corpus = Corpus(conversationsPerTopic: 1, messagesPerConversation: 2)
            try corpus.insert(into: store)
            let token = "c-client-token-\(UUID().uuidString.prefix(8))"
            try await ServerProcess.with(store: configuration, environment: ["CLUSTERD_TOKEN": token]) { server in
                let run = try await ChildProcess.run(
                    program,
                    [server.address, "--token", token] + corpus.messageIDs,
                    timeout: .seconds(30)
                )
                #expect(
                    run.exitCode == 0,
                    "clusterd-test: \(run.termination.map(\.description) ?? "timed out")\n\(run.stdout)\(run.stderr)"
                )
                #expect(run.stdout.contains(" passed, 0 failed"), "\(run.stdout)")

                let wrong = try await ChildProcess.run(
                    program,
                    [server.address, "--token", token, "--wrong-token"],
                    timeout: .seconds(30)
                )
                #expect(wrong.exitCode == 0, "clusterd-test --wrong-token:\n\(wrong.stdout)\(wrong.stderr)")
                #expect(wrong.stdout.contains("2 passed, 0 failed"), "\(wrong.stdout)")

                // What the C client triggered is analysed; the token never reaches the log.
                try await waitUntil("the C client's messages analysed", timeout: .seconds(30)) {
                    try store.countAnalyses() == corpus.messages.count
                }
                #expect(server.stderr.contains("Refused a connection: missing or wrong token"))
                #expect(!server.stderr.contains(token))
            }
        }
    }
}
