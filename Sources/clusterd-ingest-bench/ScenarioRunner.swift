import ClusterdCore
import ClusterdRPC
import ClusterdService
import ClusterdStore
import ClusterdTestSupport
import Foundation

/// Runs one round of a scenario against a fresh store of its own (in memory unless the options say otherwise):
///
/// 1. Warm-up: a few messages are analysed and one ForceClustering run finishes, so the first-run rule ("no run yet
///    and at least 2 analysed") cannot start a clustering run in the timed window (no setting turns it off; the
///    thresholds set here keep the other two rules quiet).
/// 2. Sweep: clusterd is stopped, the messages inserted, a new clusterd started; timed from its port file until its
///    status counts them all analysed. Triggered: the messages are inserted into the running clusterd's store (the
///    timer is set to a day, so after its start-up sweep no sweep runs), then every id triggered; timed from the first
///    trigger until all are analysed.
///
/// Inserting is never timed. Status is polled every 0.5 s; every wait is bounded.
struct ScenarioRunner {
    /// The bench's options.
    let options: IngestOptions
    /// The messages' texts.
    let corpus: IngestCorpus
    /// The release clusterd.
    let clusterdPath: String

    /// Messages analysed (and clustered by one forced run) before the timed window.
    static let warmUpMessages = 10
    /// How often the status is polled.
    static let pollInterval: Duration = .milliseconds(500)
    /// Longest wait for a clusterd start, the warm-up's analyses and its run.
    static let warmUpTimeout: Duration = .seconds(180)
    /// The settings every scenario's clusterd gets: production defaults (the test harness's fast timer and two
    /// workers undone), except that clustering runs only when forced (message and time thresholds out of reach).
    static let baseEnvironment: [String: String] = [
        ServiceConfiguration.tickKey.name: ServiceConfiguration.tickKey.defaultValue,
        ServiceConfiguration.analysisWorkersKey.name: String(ProcessInfo.processInfo.activeProcessorCount),
        TriggerConfiguration.messageThresholdKey.name: "1000000000",
        TriggerConfiguration.timeThresholdKey.name: "1000000000",
    ]

    /// The environment of a scenario's clusterd, the options' `--server-env` last.
    func environment(for scenario: IngestScenario) -> [String: String] {
        var environment = Self.baseEnvironment
        if scenario.embedder == .hashing { environment.merge(ServerProcess.hashingEmbedder) { _, new in new } }
        if scenario.arrival == .trigger { environment[ServiceConfiguration.tickKey.name] = "86400" }
        // The sweep alone finds a backfill here: a change stream resuming from the warm-up's position would find
        // the messages inserted after it first.
        if scenario.arrival == .sweep { environment[ServiceConfiguration.changeStreamKey.name] = "off" }
        if let blas = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] {
            environment["OPENBLAS_NUM_THREADS"] = blas
        }
        environment.merge(options.serverEnvironment) { _, new in new }
        return environment
    }

    /// Runs one round of `scenario` on a store started for it, stopped afterwards.
    func run(_ scenario: IngestScenario) async throws -> ScenarioMeasurement {
        let mongo = try MongoInstance(inMemory: options.storesInMemory(scenario.messages))
        try await mongo.start()
        do {
            let measurement = try await run(scenario, on: mongo)
            await mongo.stop()
            return measurement
        } catch {
            await mongo.stop()
            throw error
        }
    }

    /// The socket timeout of the bench's own store client (ten minutes).
    static let benchSocketTimeoutMS: Int32 = 600_000

    private func run(_ scenario: IngestScenario, on mongo: MongoInstance) async throws -> ScenarioMeasurement {
        guard let storePID = mongo.pid else { throw IngestBenchError("the store did not start") }
        // The bench's own writes wait as long as the busy store takes (a timed-out insert that the driver retries
        // meets its own first attempt's documents as duplicate keys); clusterd keeps its defaults.
        let configuration = StoreConfiguration(uri: mongo.uri, database: "ingest_bench")
        var benchConfiguration = configuration
        benchConfiguration.socketTimeoutMS = Self.benchSocketTimeoutMS
        let store = try MongoStore(configuration: benchConfiguration)
        defer { store.close() }
        let environment = environment(for: scenario)
        try corpus.insert(Self.warmUpMessages, prefix: "warm", into: store)
        var server = try await start(environment, store: configuration)
        var client = try await server.connect()
        try await warmUp(scenario, client, server)
        if scenario.arrival == .sweep {
            await client.close()
            await server.terminate()
            try corpus.insert(scenario.messages, prefix: "msg", into: store)
            server = try await start(environment, store: configuration)
            client = try await server.connect()
        } else {
            // Inserted while clusterd runs; the day-long timer keeps its sweep from finding them. A new connection
            // after it: a million inserts take longer than the server's idle timeout for the silent warm-up one.
            try corpus.insert(scenario.messages, prefix: "msg", into: store)
            await client.close()
            client = try await server.connect()
        }
        let sweptBefore = try await client.status().sweptTotal
        let deadline = ContinuousClock.now + options.timeout(for: scenario.messages)
        let windowStart = Date()
        let before = ProcessSample(clusterdPID: server.child.pid, storePID: storePID)
        var triggered = TriggerDriver.Outcome()
        if scenario.arrival == .trigger {
            triggered = try await TriggerDriver(client: client).triggerAll(
                count: scenario.messages,
                id: { IngestCorpus.messageID("msg", $0) },
                deadline: deadline
            )
        }
        let status = try await waitForAnalyses(Self.warmUpMessages + scenario.messages, client, server, deadline)
        let after = ProcessSample(clusterdPID: server.child.pid, storePID: storePID)
        let runs = try await client.listRuns(limit: 50).filter { $0.createdAt >= windowStart }
        let measurement = ScenarioMeasurement(
            scenario: scenario,
            wallSeconds: IngestClock.seconds(since: before.at),
            clusterdCPU: after.clusterd - before.clusterd,
            storeCPU: after.store - before.store,
            benchCPU: after.bench - before.bench,
            clusterdPeakMiB: ProcessUsage.peakResidentMiB(pid: server.child.pid),
            storePeakMiB: ProcessUsage.peakResidentMiB(pid: storePID),
            swept: status.sweptTotal - sweptBefore,
            failed: status.failedTotal,
            refusedTriggers: triggered.refusedItems,
            triggerSeconds: triggered.seconds,
            runsInWindow: runs.map { "\($0.status) (\($0.triggerReason))" },
            storeInMemory: options.storesInMemory(scenario.messages),
            embedder: status.embedder,
            analysisWorkers: status.analysisWorkers
        )
        await client.close()
        await server.terminate()
        return measurement
    }

    private func start(_ environment: [String: String], store: StoreConfiguration) async throws -> ServerProcess {
        try await ServerProcess.start(
            store: store,
            environment: environment,
            binary: clusterdPath,
            startupTimeout: Self.warmUpTimeout
        )
    }

    /// Waits for the warm-up messages (found by the start-up sweep) and a forced run over them (the first-run rule
    /// may start one of its own first); checks the embedder is the scenario's.
    private func warmUp(_ scenario: IngestScenario, _ client: ClusterdClient, _ server: ServerProcess) async throws {
        let deadline = ContinuousClock.now + Self.warmUpTimeout
        let status = try await waitForAnalyses(Self.warmUpMessages, client, server, deadline)
        let fallback = status.embedderDetail.hasPrefix("fallback")
        guard fallback == (scenario.embedder == .hashing) else {
            throw IngestBenchError(
                "\(scenario.label): clusterd runs \(status.embedder) (\(status.embedderDetail)); for MiniLM run "
                    + "scripts/setup, which installs the model into .venv"
            )
        }
        _ = try await client.forceClustering()
        try await poll("the warm-up clustering run", client, server, deadline) { status in
            status.lastRun != nil && !status.clusteringInProgress && !status.followUpQueued
        }
    }

    /// Polls status until `count` messages are analysed or failed; returns that status.
    private func waitForAnalyses(
        _ count: Int,
        _ client: ClusterdClient,
        _ server: ServerProcess,
        _ deadline: ContinuousClock.Instant
    ) async throws -> ServiceStatus {
        var last = ServiceStatus()
        try await poll("\(count) messages analysed", client, server, deadline) { status in
            last = status
            return status.analyzedTotal + status.failedTotal >= count
        }
        return last
    }

    /// Polls status every `pollInterval` until `done` holds; throws when clusterd ends or `deadline` passes, with
    /// how far it got and the end of its log.
    private func poll(
        _ what: String,
        _ client: ClusterdClient,
        _ server: ServerProcess,
        _ deadline: ContinuousClock.Instant,
        until done: (ServiceStatus) -> Bool
    ) async throws {
        let started = ContinuousClock.now
        while true {
            let status = try await client.status()
            if done(status) { return }
            let progress =
                "\(status.analyzedTotal) analysed, \(status.failedTotal) failed, queue \(status.queueDepth), "
                + "\(Int(IngestClock.seconds(since: started))) s"
            let log = { server.stderr.split(separator: "\n").suffix(20).joined(separator: "\n") }
            if let end = server.child.poll() {
                throw IngestBenchError(
                    "clusterd ended (\(end)) while waiting for \(what) (\(progress)); log:\n\(log())"
                )
            }
            if ContinuousClock.now >= deadline {
                throw IngestBenchError(
                    "gave up waiting for \(what) (\(progress)); raise --timeout-per-1000; clusterd's log:\n\(log())"
                )
            }
            try await Task.sleep(for: Self.pollInterval)
        }
    }
}
