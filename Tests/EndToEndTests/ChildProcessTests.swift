import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd {
    /// Children started by the tests inherit no descriptor but their standard streams: a socket a test closes
    /// must really close (two gateway tests failed in CI when a server spawned meanwhile kept a copy of a
    /// client's socket, so the gateway never saw that client go away).
    @Suite("Child processes")
    struct ChildProcesses {
        @Test("a child sees only its standard streams, not the sockets and files the test process has open")
        func childrenInheritNoDescriptors() async throws {
            // Descriptors without close-on-exec, as C code in the process (libmongoc, curl) may open them.
            let sockets: [Int32] = (0..<4).map { _ in socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0) }
            defer { for fd in sockets { close(fd) } }
            #expect(sockets.allSatisfy { $0 > 2 })
            let ours = Set(sockets.map(Int.init).filter { $0 > 3 })
            let output = try await ChildProcess.run("/bin/ls", ["-1", "/proc/self/fd"])
            let listed: Set<Int> = Set(output.stdout.split(separator: "\n").compactMap { Int($0) })
            // 0-2, plus the directory ls itself opens to list them.
            #expect(listed.subtracting([0, 1, 2]).count <= 1, "the child has \(listed.sorted())")
            #expect(listed.isDisjoint(with: ours), "the child has \(listed.sorted())")
        }
    }
}
