import ClusterdStore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The MongoDB-wire server the integration tests use: `CLUSTERD_TEST_MONGODB_URI` when set, otherwise one
/// SecantusDB process (`<package>/.venv/bin/secantusd-py`, in-memory storage) started once per test process.
public enum EmbeddedMongo {
    /// The server's URI (without a database); throws when it cannot be started.
    public static func uri() throws -> String {
        try shared.get()
    }

    /// A configuration on a fresh database of its own, so tests are independent and parallel-safe.
    public static func configuration(_ label: String = #function) throws -> StoreConfiguration {
        let cleaned = label.prefix { $0 != "(" }.filter { $0.isLetter || $0.isNumber }
        let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10)
        return StoreConfiguration(uri: try uri(), database: "t_\(cleaned.prefix(40))_\(suffix)")
    }

    /// A store on a fresh database.
    public static func store(_ label: String = #function) throws -> MongoStore {
        try MongoStore(configuration: configuration(label))
    }

    /// A standalone server's URI (no replica set, so no change streams): `CLUSTERD_TEST_MONGODB_STANDALONE_URI` when
    /// set, otherwise one SecantusDB process started with `--standalone` once per test process.
    public static func standaloneURI() throws -> String {
        try standalone.get()
    }

    /// A store on a fresh database of the standalone server.
    public static func standaloneStore(_ label: String = #function) throws -> MongoStore {
        var configuration = try configuration(label)
        configuration.uri = try standaloneURI()
        return try MongoStore(configuration: configuration)
    }

    private static let shared: Result<String, Error> = Result {
        try start(environmentKey: "CLUSTERD_TEST_MONGODB_URI", extraArguments: " --enable-test-commands")
    }

    private static let standalone: Result<String, Error> = Result {
        try start(environmentKey: "CLUSTERD_TEST_MONGODB_STANDALONE_URI", extraArguments: " --standalone")
    }

    private struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    private static func start(environmentKey: String, extraArguments: String) throws -> String {
        if let uri = ProcessInfo.processInfo.environment[environmentKey], !uri.isEmpty {
            return uri
        }
        let server = try serverExecutable()
        let port = try freePort()
        // A watchdog shell owns the server and SIGKILLs it within a second of this test process exiting, even
        // after a crash. (SIGKILL because the server inherits a signal mask from the test runner that blocks
        // SIGTERM; its storage is in memory, so nothing is lost.)
        let script = """
            "$0" --host 127.0.0.1 --port \(port) --storage-path :memory: --log-level WARNING\(extraArguments) &
            child=$!
            while kill -0 \(getpid()) 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done
            kill -9 $child 2>/dev/null
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, server]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()

        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if canConnect(port: port) { break }
            guard process.isRunning else { throw StartError(description: "secantusd-py exited at start-up") }
            usleep(100_000)
        }
        let uri = "mongodb://127.0.0.1:\(port)"
        // The port may open before the server answers commands: wait for a ping.
        let probe = try MongoStore(configuration: StoreConfiguration(uri: uri, database: "probe", poolSize: 1))
        defer { probe.close() }
        while true {
            do {
                try probe.ping()
                return uri
            } catch {
                if Date() > deadline { throw StartError(description: "secantusd-py never answered: \(error)") }
                usleep(200_000)
            }
        }
    }

    /// The SecantusDB server in the package's `.venv` (thrown when it is missing).
    public static func serverExecutable() throws -> String {
        // Sources/ClusterdTestSupport/EmbeddedMongo.swift → package root → .venv
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let server = packageRoot.appendingPathComponent(".venv/bin/secantusd-py").path
        guard FileManager.default.isExecutableFile(atPath: server) else {
            throw StartError(
                description:
                    "\(server) not found: create the venv (pip install secantusdb) or set CLUSTERD_TEST_MONGODB_URI"
            )
        }
        return server
    }

    /// A port nobody listens on right now (bound to port 0, then released).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StartError(description: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        guard bound else { throw StartError(description: "bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                connect(fd, socketAddress, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
