import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with `posix_spawn`, with its signal mask cleared and SIGTERM/SIGINT/SIGPIPE reset to
/// their defaults (a test runner may hand down a mask that blocks them), stdin from `/dev/null` and stdout/stderr
/// redirected to files. Killed with SIGKILL and reaped when released, so no child outlives its owner.
public final class ChildProcess: @unchecked Sendable {
    /// How a child ended.
    public enum Termination: Sendable, Equatable, CustomStringConvertible {
        /// `exit(code)`.
        case exited(Int32)
        /// Killed by this signal.
        case signaled(Int32)

        /// "exit 0", "signal 9".
        public var description: String {
            switch self {
            case .exited(let code): return "exit \(code)"
            case .signaled(let signal): return "signal \(signal)"
            }
        }
    }

    /// A spawn that failed.
    public struct SpawnError: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    /// The child's process id.
    public let pid: pid_t
    /// The executable that was started.
    public let executable: String
    private let lock = NSLock()
    private var termination: Termination?

    /// Starts `executable` with exactly `arguments` (not including argv[0]) and `environment`.
    /// `stdoutPath`/`stderrPath` are created or truncated; nil sends that stream to `/dev/null`.
    public init(
        executable: String,
        arguments: [String],
        environment: [String: String],
        stdoutPath: String? = nil,
        stderrPath: String? = nil
    ) throws {
        self.executable = executable
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Nothing else of this process's: a socket a test closes must not stay open in a child (a long-lived
        // server would keep the connection alive, and its peer would never see the close).
        guard Self.closeFrom(&actions, 3) == 0 else {
            throw SpawnError(description: "posix_spawn_file_actions_addclosefrom_np is missing (glibc 2.34 or later)")
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGPIPE, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw SpawnError(description: "posix_spawn \(executable): \(String(cString: strerror(result)))")
        }
        pid = child
    }

    deinit {
        if poll() == nil {
            Glibc.kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
    }

    /// Sends a signal (no effect once the child has been reaped).
    public func kill(_ signal: Int32) {
        lock.lock()
        defer { lock.unlock() }
        if termination == nil { Glibc.kill(pid, signal) }
    }

    /// The termination if the child has ended (reaping it), nil while it runs.
    @discardableResult
    public func poll() -> Termination? {
        lock.lock()
        defer { lock.unlock() }
        if let termination { return termination }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return nil }
        let signal = status & 0x7f
        termination = signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
        return termination
    }

    /// True until the child has ended.
    public var isRunning: Bool { poll() == nil }

    /// Waits (polling every 20 ms) until the child ends or `timeout` passes; nil on timeout.
    public func waitForExit(timeout: Duration) async -> Termination? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let termination = poll() { return termination }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The result of `run`: how the program ended and what it printed.
    public struct Output: Sendable {
        /// How it ended; nil if it was killed for exceeding its timeout.
        public var termination: Termination?
        /// Everything it wrote on stdout.
        public var stdout: String
        /// Everything it wrote on stderr.
        public var stderr: String

        /// The exit code, or nil when it did not exit normally (signal or timeout).
        public var exitCode: Int32? {
            if case .exited(let code) = termination { return code }
            return nil
        }
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+; Swift's Glibc module does not export it).
    private static let closeFrom: @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32 = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        else { return { _, _ in ENOSYS } }
        return unsafeBitCast(
            symbol,
            to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self
        )
    }()

    /// Runs a program to completion (SIGKILLed after `timeout`) and collects its output.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = ChildProcess.baseEnvironment,
        timeout: Duration = .seconds(30)
    ) async throws -> Output {
        let directory = try TemporaryDirectory(prefix: "clusterd-run")
        let stdoutPath = directory.path("stdout")
        let stderrPath = directory.path("stderr")
        let child = try ChildProcess(
            executable: executable,
            arguments: arguments,
            environment: environment,
            stdoutPath: stdoutPath,
            stderrPath: stderrPath
        )
        var termination = await child.waitForExit(timeout: timeout)
        if termination == nil {
            child.kill(SIGKILL)
            _ = await child.waitForExit(timeout: .seconds(5))
            termination = nil
        }
        return withExtendedLifetime(directory) {
            Output(
                termination: termination,
                stdout: (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "",
                stderr: (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            )
        }
    }

    /// PATH, HOME, LANG and the like from this process: the environment children start from (nothing that
    /// configures clusterd leaks in from the test runner's environment).
    public static var baseEnvironment: [String: String] {
        let keep = ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "LD_LIBRARY_PATH", "USER"]
        let current = ProcessInfo.processInfo.environment
        var environment: [String: String] = [:]
        for key in keep { if let value = current[key] { environment[key] = value } }
        return environment
    }
}

/// A fresh directory under the system's temporary directory, removed when released.
public final class TemporaryDirectory: Sendable {
    /// Its absolute path.
    public let url: URL

    /// Creates `<tmp>/<prefix>-<uuid>`.
    public init(prefix: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    public func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}
