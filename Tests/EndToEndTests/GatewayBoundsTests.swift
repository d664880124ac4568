import ClusterdTestSupport
import Foundation
import Synchronization
import Testing

extension EndToEnd {
    /// The HTTP gateway's write backpressure in a real clusterd process (issue 16): the server's resident memory
    /// while a peer pipelines requests it never reads the responses to.
    @Suite("HTTP gateway bounds")
    struct GatewayBounds {
        /// The server's largest resident set size (MiB) while `work` runs, sampled every 20 ms.
        static func peakResidentMiB(pid: Int32, during work: @escaping @Sendable () -> Void) async -> Double {
            let done = Mutex(false)
            let sampler = Task.detached {
                var peak = 0.0
                while !done.withLock({ $0 }) {
                    peak = max(peak, ProcessUsage(serverPID: pid).delta().serverRSSMiB)
                    try? await Task.sleep(for: .milliseconds(20))
                }
                return max(peak, ProcessUsage(serverPID: pid).delta().serverRSSMiB)
            }
            await Task.detached { work() }.value
            done.withLock { $0 = true }
            return await sampler.value
        }

        @Test("a peer pipelining GET /openapi.json and /livez that never reads costs bounded memory, then is closed")
        func nonReadingPipeliner() async throws {
            let environment = ["CLUSTERD_HTTP_LISTEN": "127.0.0.1:0", "CLUSTERD_HTTP_WRITE_STALL_SECONDS": "2"]
            try await ServerProcess.with(store: try EmbeddedMongo.configuration(), environment: environment) { server in
                let port = try #require(server.httpPort)
                let document = try await HTTPTestClient.fetch(port: port, "GET", "/openapi.json")
                #expect(document.status == 200)
                #expect(try await HTTPTestClient.fetch(port: port, "GET", "/livez").status == 200)
                // 5,000 GET /openapi.json, then 600,000 GET /livez (25 MB of requests, beyond the kernel's socket
                // buffers): without backpressure the server would buffer 5,000 documents and ~90 MB of /livez.
                var flood: [UInt8] = []
                for _ in 0..<5_000 { flood += HTTPTestClient.request("GET", "/openapi.json") }
                let livez = HTTPTestClient.request("GET", "/livez")
                for _ in 0..<600_000 { flood += livez }
                let raw = try RawConnection(port: port)
                defer { raw.close() }
                let pid = server.child.pid
                let before = ProcessUsage(serverPID: pid).delta().serverRSSMiB
                let started = ContinuousClock.now
                let payload = flood
                let outcome = Mutex<(written: Int, closed: Bool)>((0, false))
                let peak = await Self.peakResidentMiB(pid: pid) {
                    let result = raw.sendUntilBlocked(payload, deadline: started + .seconds(30))
                    outcome.withLock { $0 = result }
                }
                let result = outcome.withLock { $0 }
                let elapsed = ContinuousClock.now - started
                let growth = peak - before
                let wouldBuffer = Double(5_000 * document.body.count) / 1_048_576
                let mib = { (value: Double) in String(format: "%.1f MiB", value) }
                print(
                    "non-reading HTTP client: server RSS \(mib(before)) before, peak \(mib(peak)) (growth "
                        + "\(mib(growth)); unbounded it would buffer over \(mib(wouldBuffer)) of /openapi.json alone); "
                        + "\(result.written) of \(flood.count) request bytes taken; closed: \(result.closed) "
                        + "after \(elapsed)"
                )
                #expect(result.closed, "the server kept a connection whose peer never reads")
                #expect(result.written < flood.count, "the server read everything instead of pushing back")
                #expect(growth < 48, "server memory grew by \(growth) MiB")
                #expect(elapsed < .seconds(20))
                // The server is fine and serves others.
                #expect(try await HTTPTestClient.fetch(port: port, "GET", "/livez").status == 200)
                #expect(server.stderr.contains("has not read its responses"))
            }
        }
    }
}
