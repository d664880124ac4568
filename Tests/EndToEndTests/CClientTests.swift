import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    @Suite("C client", .enabled(if: TestBinaries.cTestClient != nil, "clients/c/build/clusterd-test is not built"))
    struct CClient {
        /// Runs clusterd-test (optionally under `wrapper`, e.g. valgrind) against a server with a token: every call,
        /// every error path, then the server is killed mid-call by the C test itself, found down, and restarted
        /// here on the same port, where the same C client reconnects by itself.
        private func runAgainstServer(wrapper: [String], timeout: Duration) async throws {
            let program = try #require(TestBinaries.cTestClient)
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let corpus = Corpus(conversationsPerTopic: 2, messagesPerConversation: 2)
            try corpus.insert(into: store)
            let token = "c-client-token-\(UUID().uuidString)"
            // One cluster or run per reply: the C client's lists are only whole if it follows the pages.
            let environment = ["CLUSTERD_TOKEN": token, "CLUSTERD_LIST_PAGE_SIZE": "1"]
            let first = try await ServerProcess.start(store: configuration, environment: environment)
            let directory = try TemporaryDirectory(prefix: "clusterd-c-test")
            let stdoutPath = directory.path("stdout")
            let arguments =
                [program, first.address, "--token", token, "--expect-run", "--server-pid", "\(first.child.pid)", "--"]
                + corpus.messageIDs
            let child = try ChildProcess(
                executable: wrapper.first ?? program,
                arguments: Array((wrapper + arguments).dropFirst()),
                environment: ChildProcess.baseEnvironment,
                stdoutPath: stdoutPath,
                stderrPath: directory.path("stderr")
            )
            let output = { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
            let stderr = { (try? String(contentsOfFile: directory.path("stderr"), encoding: .utf8)) ?? "" }
            try await waitUntil("the C test kills the server", timeout: timeout) {
                output().contains("server killed") || !child.isRunning
            }
            #expect(await first.waitForExit(timeout: .seconds(10)) == .signaled(SIGKILL), "\(output())")
            let second = try await ServerProcess.start(
                store: configuration,
                environment: environment,
                listen: first.address
            )
            let termination = await child.waitForExit(timeout: timeout)
            #expect(
                termination == .exited(0),
                "clusterd-test: \(termination.map(\.description) ?? "timed out")\n\(output())\n\(stderr())"
            )
            let text = output()
            #expect(text.contains(" passed, 0 failed"), "\(text)\n\(stderr())")
            #expect(!text.contains("FAIL"), "\(text)")
            #expect(text.contains("ok   after the restart the same client reconnects automatically"), "\(text)")
            #expect(text.contains("ok   curation: the log, newest first, with the merge"), "\(text)")
            // The C client's curation is in MongoDB, logged under the token and its client name.
            let changes = try store.curationChanges(stableID: nil, limit: 100)
            #expect(changes.map(\.action) == [.merge, .unpin, .pin, .rename])
            #expect(changes.allSatisfy { $0.by == "token (clusterd-test)" })
            if termination == nil { child.kill(SIGKILL) }

            // What the C client triggered is analysed; the token never reaches the log.
            try await waitUntil("the C client's messages analysed", timeout: .seconds(60)) {
                try store.countAnalyses() == corpus.messages.count
            }
            #expect(first.stderr.contains("Refused a connection: missing or wrong token"))
            #expect(!first.stderr.contains(token) && !second.stderr.contains(token))
            await second.terminate()
        }

        @Test("clusterd-test: every call and error path against the real server, kill mid-call, reconnect")
        func cClientAgainstServer() async throws {
            try await runAgainstServer(wrapper: [], timeout: .seconds(90))
        }

        @Test(
            "clusterd-test under valgrind: no leaks, no invalid reads or writes",
            .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/valgrind"), "valgrind is not installed")
        )
        func cClientUnderValgrind() async throws {
            try await runAgainstServer(
                wrapper: [
                    "/usr/bin/valgrind", "--error-exitcode=99", "--leak-check=full",
                    "--errors-for-leak-kinds=definite,indirect", "--show-leak-kinds=definite,indirect", "-q",
                ],
                timeout: .seconds(100)
            )
        }

        @Test("clusterd-test over TLS with a client certificate; another CA and no certificate are refused")
        func cClientOverTLS() async throws {
            let program = try #require(TestBinaries.cTestClient)
            let ca = try await ThrowawayCA.make()
            let other = try await ThrowawayCA.make(name: "someone else's CA")
            let certificate = try await ca.issueServer()
            let clientCertificate = try await ca.issueClient()
            let token = "c-tls-token-\(UUID().uuidString)"
            let environment = [
                "CLUSTERD_TLS_CERT_FILE": certificate.certificateFile, "CLUSTERD_TLS_KEY_FILE": certificate.keyFile,
                "CLUSTERD_TLS_CLIENT_CA_FILE": ca.certificateFile, "CLUSTERD_TOKEN": token,
            ]
            try await ServerProcess.with(store: try EmbeddedMongo.configuration(), environment: environment) {
                server in
                let output = try await ChildProcess.run(
                    program,
                    [
                        server.address, "--token", token, "--ca-file", ca.certificateFile, "--cert-file",
                        clientCertificate.certificateFile, "--key-file", clientCertificate.keyFile, "--other-ca",
                        other.certificateFile, "--require-cert", "--", "c-tls-message-1",
                    ],
                    timeout: .seconds(90)
                )
                #expect(output.exitCode == 0, "\(output.stdout)\n\(output.stderr)")
                #expect(output.stdout.contains(" passed, 0 failed"), "\(output.stdout)")
                #expect(output.stdout.contains("ok   another CA: the handshake fails"), "\(output.stdout)")
                #expect(output.stdout.contains("ok   no client certificate: refused"), "\(output.stdout)")
            }
        }
    }
}
