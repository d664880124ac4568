import Testing

@testable import clusterd_ingest_bench

@Suite struct IngestOptionsTests {
    @Test func defaultsAreTheIssuesSizes() throws {
        let options = try IngestOptions(arguments: [])
        #expect(options.messages == 100_000)
        #expect(options.miniLMMessages == 5_000)
        #expect(options.rounds == 1)
        #expect(options.serverEnvironment.isEmpty)
        #expect(options.storesInMemory(IngestOptions.inMemoryLimit))
        #expect(!options.storesInMemory(1_000_000))
    }

    @Test func readsEveryOption() throws {
        let options = try IngestOptions(arguments: [
            "--messages", "1_000_000", "--minilm-messages", "0", "--rounds", "3", "--timeout-per-1000", "2.5",
            "--server-env", "CLUSTERD_TICK_SECONDS=1", "--server-env", "A=b=c", "--no-hashing", "--clusterd", "/x",
            "--only", "triggered", "--store", "disk",
        ])
        #expect(options.messages == 1_000_000)
        #expect(options.miniLMMessages == 0)
        #expect(options.rounds == 3)
        #expect(options.serverEnvironment == ["CLUSTERD_TICK_SECONDS": "1", "A": "b=c"])
        #expect(options.skipHashing)
        #expect(options.clusterdPath == "/x")
        #expect(options.onlyArrival == .trigger)
        #expect(!options.storesInMemory(1))
        #expect(options.timeout(for: 10_000) == .seconds(options.baseTimeoutSeconds + 25))
    }

    @Test(arguments: [
        ["--messages", "0"], ["--rounds"], ["--server-env", "=x"], ["--server-env", "NOEQUALS"], ["--bogus", "1"],
        ["--timeout-per-1000", "-1"], ["--minilm-messages", "many"], ["--only", "both"], ["--store", "ram"],
    ])
    func refusesWhatItCannotUse(_ arguments: [String]) {
        #expect(throws: IngestOptions.Problem.self) { try IngestOptions(arguments: arguments) }
    }
}
