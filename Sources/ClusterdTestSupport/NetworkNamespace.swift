import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A network namespace joined to this host by a veth pair, for partition tests: a process started inside it
/// (`launcher`) reaches the host only through the pair, at `hostAddress`, and `cut()` takes the host's end of the
/// link down (the namespace's packets are dropped, as on a severed cable) until `restore()`.
///
/// Needs root and iproute2's `ip` (`unavailableReason` says why not). The namespace and the pair are removed by
/// `remove()`, when the object is released, and by a watchdog shell if the test process dies first.
public final class NetworkNamespace: Sendable {
    /// The namespace's name.
    public let name: String
    /// The host's end of the link, on a private /30 of its own.
    public let hostAddress: String
    /// The namespace's end of the link.
    public let namespaceAddress: String
    /// The host's end of the veth pair.
    public let hostInterface: String
    private let ip: String
    private let watchdog: ChildProcess?

    /// Why namespaces cannot be made here (not root, no `ip`, or `ip netns add` failed), or nil when they can; tried
    /// once per process.
    public static let unavailableReason: String? = {
        guard geteuid() == 0 else { return "network namespaces need root (euid \(geteuid()))" }
        guard let ip = ipExecutable else { return "iproute2's ip is not installed (apt-get install iproute2)" }
        let probe = "cdprobe\(getpid() % 100_000)"
        do {
            try run(ip, ["netns", "add", probe])
            try? run(ip, ["netns", "del", probe])
            return nil
        } catch {
            return "ip netns add failed: \(error)"
        }
    }()

    /// `ip`'s path, if installed.
    static let ipExecutable: String? = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// A failed `ip` command.
    public struct CommandError: Error, CustomStringConvertible {
        /// The command and what it printed.
        public var description: String
    }

    /// Creates a namespace with its loopback up and a veth pair on a random private /30 (10.200.0.0–10.249.255.255)
    /// with both ends up.
    public init() throws {
        if let reason = Self.unavailableReason { throw CommandError(description: reason) }
        guard let ip = Self.ipExecutable else { throw CommandError(description: "iproute2's ip is not installed") }
        let tag = String(format: "%05x", UInt32.random(in: 0..<0xfffff))
        name = "cdns\(tag)"
        hostInterface = "cd\(tag)h"
        let namespaceInterface = "cd\(tag)n"
        let prefix = "10.\(Int.random(in: 200...249)).\(Int.random(in: 0...255))"
        let base = 4 * Int.random(in: 0...63)
        hostAddress = "\(prefix).\(base + 1)"
        namespaceAddress = "\(prefix).\(base + 2)"
        self.ip = ip
        try Self.run(ip, ["netns", "add", name])
        // Removes what was made if the test process dies before `remove()`.
        watchdog = try? ChildProcess(
            executable: "/bin/sh",
            arguments: [
                "-c",
                "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; "
                    + "\(ip) netns del \(name) 2>/dev/null; \(ip) link del \(hostInterface) 2>/dev/null",
            ],
            environment: ChildProcess.baseEnvironment
        )
        do {
            try Self.run(ip, ["link", "add", hostInterface, "type", "veth", "peer", "name", namespaceInterface])
            try Self.run(ip, ["link", "set", namespaceInterface, "netns", name])
            try Self.run(ip, ["addr", "add", "\(hostAddress)/30", "dev", hostInterface])
            try Self.run(ip, ["link", "set", hostInterface, "up"])
            let inside = ["netns", "exec", name, ip]
            try Self.run(ip, inside + ["addr", "add", "\(namespaceAddress)/30", "dev", namespaceInterface])
            try Self.run(ip, inside + ["link", "set", namespaceInterface, "up"])
            try Self.run(ip, inside + ["link", "set", "lo", "up"])
        } catch {
            remove()
            throw error
        }
    }

    deinit {
        remove()
        watchdog?.kill(SIGKILL)
    }

    /// The command prefix that runs a program inside the namespace (`ip netns exec NAME`; it execs the program, so
    /// the process id is the program's own).
    public var launcher: [String] { [ip, "netns", "exec", name] }

    /// Takes the host's end of the link down: nothing passes until `restore()`.
    public func cut() throws {
        try Self.run(ip, ["link", "set", hostInterface, "down"])
    }

    /// Brings the host's end of the link back up.
    public func restore() throws {
        try Self.run(ip, ["link", "set", hostInterface, "up"])
    }

    /// Deletes the namespace (which destroys the pair) and the host's end if it is still there. Idempotent.
    public func remove() {
        try? Self.run(ip, ["netns", "del", name])
        try? Self.run(ip, ["link", "del", hostInterface])
    }

    /// Runs `ip` with `arguments` to completion (at most 10 s), throwing with its output when it fails.
    static func run(_ ip: String, _ arguments: [String]) throws {
        let directory = try TemporaryDirectory(prefix: "clusterd-ip")
        let errors = directory.path("stderr")
        let child = try ChildProcess(
            executable: ip,
            arguments: arguments,
            environment: ChildProcess.baseEnvironment,
            stderrPath: errors
        )
        let deadline = ContinuousClock.now + .seconds(10)
        while child.poll() == nil && ContinuousClock.now < deadline { usleep(5_000) }
        let termination = child.poll()
        guard termination == .exited(0) else {
            if termination == nil { child.kill(SIGKILL) }
            let output = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
            throw CommandError(
                description: "ip \(arguments.joined(separator: " ")): \(termination.map { "\($0)" } ?? "timed out") "
                    + output.trimmingCharacters(in: .whitespacesAndNewlines)
            )
        }
    }
}
