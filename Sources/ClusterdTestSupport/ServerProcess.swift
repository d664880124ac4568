import ClusterdRPC
import ClusterdStore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A clusterd server process for end-to-end tests: started on `127.0.0.1:0` against one MongoDB database, its
/// bound port read from `--port-file`, its stderr (the log) captured to a file. A watchdog shell SIGKILLs it if
/// the test process dies first, and releasing the object SIGKILLs it too, so no server outlives its test.
public final class ServerProcess: Sendable {
    /// The bound TCP port.
    public let port: Int
    /// The HTTP gateway's port, when `CLUSTERD_HTTP_LISTEN` was in the environment.
    public let httpPort: Int?
    /// The MongoDB database it uses (tests read and write the same one through `MongoStore`).
    public let store: StoreConfiguration
    /// The server process.
    public let child: ChildProcess
    /// The environment it was started with (reuse it to restart on the same database).
    public let environment: [String: String]
    private let watchdog: ChildProcess
    private let directory: TemporaryDirectory

    /// The settings every test server gets unless overridden: a fast timer and two analysis workers.
    public static let defaultEnvironment: [String: String] = [
        "CLUSTERD_TICK_SECONDS": "0.3",
        "CLUSTERD_ANALYSIS_WORKERS": "2",
    ]

    /// Environment for a server without its model (the hashing fallback embedder): for tests about volume,
    /// crashes and faults, where the debug build's MiniLM forward pass would only make them slow.
    public static let hashingEmbedder: [String: String] = ["CLUSTERD_MODEL_DIR": "/nonexistent/clusterd-model"]

    /// A server start that failed; `log` is what it wrote on stderr.
    public struct StartError: Error, CustomStringConvertible {
        /// What went wrong, with the server's log.
        public var description: String
    }

    private init(
        port: Int,
        httpPort: Int?,
        store: StoreConfiguration,
        child: ChildProcess,
        environment: [String: String],
        watchdog: ChildProcess,
        directory: TemporaryDirectory
    ) {
        self.port = port
        self.httpPort = httpPort
        self.store = store
        self.child = child
        self.environment = environment
        self.watchdog = watchdog
        self.directory = directory
    }

    /// Starts clusterd on `store`'s database with `defaultEnvironment` overlaid by `environment`, listening on
    /// `listen` (`127.0.0.1:0`: a free port; a fixed port restarts a server where a dead one was), and waits (at
    /// most `startupTimeout`) for it to write its port file. `launcher` is a command prefix that execs clusterd
    /// (`NetworkNamespace.launcher`: inside a network namespace, where `connect()` cannot reach it).
    public static func start(
        store: StoreConfiguration,
        environment: [String: String] = [:],
        binary: String? = nil,
        listen: String = "127.0.0.1:0",
        launcher: [String] = [],
        startupTimeout: Duration = .seconds(20)
    ) async throws -> ServerProcess {
        let executable = try binary ?? TestBinaries.require(TestBinaries.clusterd, "clusterd")
        let directory = try TemporaryDirectory(prefix: "clusterd-e2e")
        let portFile = directory.path("port")
        let httpPortFile = directory.path("http-port")
        let stderrPath = directory.path("stderr.log")
        var merged = ChildProcess.baseEnvironment
        merged.merge(defaultEnvironment) { _, new in new }
        merged.merge(environment) { _, new in new }
        let wantsHTTP = !(merged["CLUSTERD_HTTP_LISTEN"] ?? "").isEmpty
        let command = launcher + [executable]
        let child = try ChildProcess(
            executable: command[0],
            arguments: Array(command[1...]) + [
                "--listen", listen,
                "--mongodb-uri", mongoURI(for: store),
                "--port-file", portFile,
                "--env-file", directory.path("no.env"),
            ] + (wantsHTTP ? ["--http-port-file", httpPortFile] : []),
            environment: merged,
            stdoutPath: directory.path("stdout.log"),
            stderrPath: stderrPath
        )
        let watchdog = try ChildProcess(
            executable: "/bin/sh",
            arguments: [
                "-c",
                "while kill -0 \(getpid()) 2>/dev/null && kill -0 \(child.pid) 2>/dev/null; do sleep 0.5; done; "
                    + "kill -9 \(child.pid) 2>/dev/null",
            ],
            environment: ChildProcess.baseEnvironment
        )
        let deadline = ContinuousClock.now + startupTimeout
        while true {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8),
                let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), port > 0
            {
                var httpPort: Int?
                if wantsHTTP {
                    httpPort = (try? String(contentsOfFile: httpPortFile, encoding: .utf8))
                        .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                }
                // The HTTP port file is written just after the RPC one.
                if wantsHTTP && httpPort == nil {
                    try await Task.sleep(for: .milliseconds(25))
                    continue
                }
                return ServerProcess(
                    port: port,
                    httpPort: httpPort,
                    store: store,
                    child: child,
                    environment: environment,
                    watchdog: watchdog,
                    directory: directory
                )
            }
            let log = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            if let termination = child.poll() {
                throw StartError(description: "clusterd ended at start-up (\(termination)); its log:\n\(log)")
            }
            if ContinuousClock.now >= deadline {
                child.kill(SIGKILL)
                throw StartError(description: "clusterd wrote no port file within \(startupTimeout); its log:\n\(log)")
            }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    /// Starts a server, runs `body`, then stops the server gracefully (SIGTERM, then SIGKILL after 10 s) —
    /// also when `body` throws.
    public static func with<T>(
        store: StoreConfiguration,
        environment: [String: String] = [:],
        _ body: (ServerProcess) async throws -> T
    ) async throws -> T {
        let server = try await start(store: store, environment: environment)
        let result: T
        do {
            result = try await body(server)
        } catch {
            server.kill(SIGKILL)
            _ = await server.waitForExit(timeout: .seconds(5))
            throw error
        }
        await server.terminate()
        return result
    }

    deinit {
        child.kill(SIGKILL)
        watchdog.kill(SIGKILL)
    }

    /// `127.0.0.1:PORT`.
    public var address: String { "127.0.0.1:\(port)" }

    /// Everything the server has written on stderr so far (its log).
    public var stderr: String {
        (try? String(contentsOfFile: directory.path("stderr.log"), encoding: .utf8)) ?? ""
    }

    /// Sends a signal (SIGKILL to simulate a crash).
    public func kill(_ signal: Int32) {
        child.kill(signal)
    }

    /// Waits until the process has ended; nil if it is still running after `timeout`.
    public func waitForExit(timeout: Duration) async -> ChildProcess.Termination? {
        await child.waitForExit(timeout: timeout)
    }

    /// SIGTERM, then SIGKILL if it has not exited within `grace`. Returns how it ended.
    @discardableResult
    public func terminate(grace: Duration = .seconds(10)) async -> ChildProcess.Termination? {
        child.kill(SIGTERM)
        if let termination = await child.waitForExit(timeout: grace) { return termination }
        child.kill(SIGKILL)
        return await child.waitForExit(timeout: .seconds(5))
    }

    /// Connects a Swift client.
    public func connect(token: String? = nil, timeout: Duration = .seconds(5)) async throws -> ClusterdClient {
        try await ClusterdClient.connect(host: "127.0.0.1", port: port, token: token, timeout: timeout)
    }

    /// The `--mongodb-uri` value for a store configuration: its URI with the database as the path (query kept).
    public static func mongoURI(for store: StoreConfiguration) -> String {
        let parts = store.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var base = String(parts[0])
        // Drop a database already in the URI: keep scheme://hosts only.
        if let schemeEnd = base.range(of: "://"), let slash = base[schemeEnd.upperBound...].firstIndex(of: "/") {
            base = String(base[..<slash])
        }
        let query = parts.count > 1 ? "?\(parts[1])" : ""
        return "\(base)/\(store.database)\(query)"
    }
}
