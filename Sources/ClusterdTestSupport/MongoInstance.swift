import ClusterdStore
import Foundation

/// A SecantusDB server of a test's own, on persistent storage (or in memory), that the test can stop and start again
/// on the same port (for outage tests; the shared server of `EmbeddedMongo` is never stopped). Benchmarks start one
/// per scenario for a fresh store whose process they can measure (`pid`).
public final class MongoInstance: @unchecked Sendable {
    // @unchecked Sendable: `process` is only replaced by start()/stop(), which a test calls from one task.
    /// The port on `host`.
    public let port: Int
    /// The address it listens on.
    public let host: String
    private let storage: TemporaryDirectory
    private let server: String
    private let inMemory: Bool
    private var process: ChildProcess?

    /// The server's process id while it runs.
    public var pid: Int32? { process?.pid }

    /// The URI (no database).
    public var uri: String { "mongodb://\(host):\(port)" }

    /// Creates an instance on a free port of `host` (loopback unless a test gives another address of this
    /// machine's); call `start()`. `inMemory`: `:memory:` storage, lost at every stop.
    public init(inMemory: Bool = false, host: String = "127.0.0.1") throws {
        self.inMemory = inMemory
        self.host = host
        port = try EmbeddedMongo.freePort()
        storage = try TemporaryDirectory(prefix: "clusterd-mongo")
        server = try EmbeddedMongo.serverExecutable()
    }

    /// Starts the server and waits (at most 30 s) until it answers a ping.
    public func start() async throws {
        process = try ChildProcess(
            executable: server,
            arguments: [
                "--host", host, "--port", "\(port)", "--storage-path",
                inMemory ? ":memory:" : storage.path("data"), "--log-level",
                "WARNING",
            ],
            environment: ChildProcess.baseEnvironment,
            stderrPath: storage.path("server.log")
        )
        let probe = try MongoStore(configuration: StoreConfiguration(uri: uri, database: "probe", poolSize: 1))
        defer { probe.close() }
        try await waitUntil("SecantusDB on port \(port) to answer", timeout: .seconds(30), poll: .milliseconds(200)) {
            (try? probe.ping()) != nil
        }
    }

    /// Stops the server (SIGTERM, then SIGKILL after 10 s) and waits for it to exit.
    public func stop() async {
        guard let process else { return }
        process.kill(SIGTERM)
        if await process.waitForExit(timeout: .seconds(10)) == nil {
            process.kill(SIGKILL)
            _ = await process.waitForExit(timeout: .seconds(5))
        }
        self.process = nil
    }

    deinit {
        process?.kill(SIGKILL)
    }
}
