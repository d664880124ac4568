import ClusterdTestSupport
import Foundation
import Testing

@testable import ClusterdHTTP

/// The gateway's bounds through real loopback sockets (issue 16): a pipelining peer that never reads is stopped and
/// closed, a trickled request is closed at its deadline, the probes are answered while every data place is held,
/// and requests with a foreign Host or Origin are refused.
extension HTTPGatewayTests {
    /// The bytes of one request with a Host (and Origin) of our choosing.
    static func request(_ method: String, _ path: String, host: String, origin: String? = nil) -> [UInt8] {
        var text = "\(method) \(path) HTTP/1.1\r\nhost: \(host)\r\n"
        if let origin { text += "origin: \(origin)\r\n" }
        if method == "POST" { text += "content-length: 0\r\n" }
        return Array((text + "\r\n").utf8)
    }

    @Test func aPipeliningPeerThatNeverReadsIsStoppedThenClosed() async throws {
        let configuration = HTTPGatewayConfiguration(port: 0, writeStallTimeout: .milliseconds(500))
        try await withGateway(configuration) { port, _ in
            let raw = try RawConnection(port: port)
            defer { raw.close() }
            // 2,000 pipelined GET /openapi.json, then 600,000 GET /livez (25 MB, beyond the kernel's socket
            // buffers) whose responses the peer never reads: the gateway must stop reading, then close the connection.
            let one = HTTPTestClient.request("GET", "/livez")
            var flood: [UInt8] = []
            flood.reserveCapacity(one.count * 602_000)
            for _ in 0..<2_000 { flood += HTTPTestClient.request("GET", "/openapi.json") }
            for _ in 0..<600_000 { flood.append(contentsOf: one) }
            let started = ContinuousClock.now
            let payload = flood
            let result = await Task.detached { raw.sendUntilBlocked(payload, deadline: started + .seconds(20)) }.value
            let closedAfter = ContinuousClock.now - started
            print(
                "non-reading HTTP peer: \(result.written) of \(flood.count) request bytes read, closed: \(result.closed) after \(closedAfter)"
            )
            #expect(result.closed, "the gateway kept a connection whose peer never reads")
            #expect(result.written < flood.count, "the gateway read everything instead of pushing back")
            #expect(closedAfter < .seconds(15))
            // The gateway serves others.
            #expect(try await HTTPTestClient.fetch(port: port, "GET", "/livez").status == 200)
        }
    }

    @Test func aTrickledRequestHeadIsClosedAtTheDeadline() async throws {
        let configuration = HTTPGatewayConfiguration(port: 0, requestDeadline: .milliseconds(500))
        try await withGateway(configuration) { port, _ in
            let raw = try RawConnection(port: port)
            defer { raw.close() }
            let started = ContinuousClock.now
            try await raw.send(Array("GET /livez HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: ".utf8))
            // One byte every 100 ms: the idle timeout (60 s) never fires, the request deadline must.
            let trickler = Task.detached {
                while !Task.isCancelled {
                    try? raw.sendBlocking([UInt8(ascii: "a")])
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
            defer { trickler.cancel() }
            let closed = try await raw.closedByPeer(within: .seconds(5))
            let closedAfter = ContinuousClock.now - started
            print("trickled HTTP request head (deadline 0.5 s): closed: \(closed) after \(closedAfter)")
            #expect(closed, "a trickled request head kept its connection")
            #expect(closedAfter >= .milliseconds(450) && closedAfter < .seconds(3))
        }
    }

    @Test func probesAreAnsweredWhileEveryDataPlaceIsHeld() async throws {
        let configuration = HTTPGatewayConfiguration(
            port: 0,
            maxConnections: 3,
            probeConnections: 2,
            requestDeadline: .seconds(30)
        )
        try await withGateway(configuration) { port, _ in
            // Three peers hold every data place with half-sent requests (within their 30 s deadline).
            let partial = Array("GET /api/clustering/background-status HTTP/1.1\r\nhost: 127.0.0.1\r\n".utf8)
            var holders: [RawConnection] = []
            defer { for holder in holders { holder.close() } }
            for _ in 0..<3 {
                let holder = try RawConnection(port: port)
                try await holder.send(partial)
                holders.append(holder)
            }
            // Probes are still answered, one per connection.
            for path in ["/livez", "/readyz", "/metrics"] {
                let client = try HTTPTestClient(port: port)
                defer { client.close() }
                let response = try await client.send("GET", path)
                #expect(response.status == 200, "\(path): \(response)")
                #expect(response.header("connection") == "close")
                #expect(try await client.closedByPeer())
            }
            // Anything else on a probe place gets a clear 503.
            let data = try await HTTPTestClient.fetch(port: port, "GET", "/api/clustering/background-status")
            #expect(data.status == 503)
            #expect(
                data.json?["detail"] as? String
                    == "too many connections (limit 3): this connection is served /livez, /readyz and /metrics only"
            )
            // Tricklers on the probe places too: beyond both limits a connection is refused, and the tricklers lose
            // their probe places within 2 s, so the probes come back.
            let started = ContinuousClock.now
            for _ in 0..<2 {
                let holder = try RawConnection(port: port)
                try await holder.send(partial)
                holders.append(holder)
            }
            let refused = try HTTPTestClient(port: port)
            defer { refused.close() }
            let refusal = try await refused.readResponse()
            #expect(refusal.status == 503)
            #expect(refusal.json?["detail"] as? String == "too many connections")
            try await waitUntil("a probe place to free up", timeout: .seconds(10)) {
                (try? await HTTPTestClient.fetch(port: port, "GET", "/livez").status) == 200
            }
            let back = ContinuousClock.now - started
            print("probes locked out by tricklers on every place for \(back)")
            #expect(back < .seconds(5))
        }
    }

    @Test func aForeignHostOrOriginIsRefusedWith403() async throws {
        try await withGateway { port, backend in
            let client = try HTTPTestClient(port: port)
            defer { client.close() }
            let force = "/api/clustering/background-force"
            // A web page on another origin cannot force a run (a form POST needs no preflight).
            let crossSite = try await client.sendRaw(
                Self.request("POST", force, host: "127.0.0.1:\(port)", origin: "https://evil.example")
            )
            #expect(crossSite.status == 403)
            #expect(
                crossSite.json?["detail"] as? String
                    == "Origin \"https://evil.example\" is not allowed (a guard against cross-site requests); add it to CLUSTERD_HTTP_ALLOWED_ORIGINS"
            )
            // DNS rebinding: the attacker's name as Host.
            let rebound = try await client.sendRaw(
                Self.request("GET", "/api/clustering/background-status", host: "evil.example:\(port)")
            )
            #expect(rebound.status == 403)
            #expect(
                (rebound.json?["detail"] as? String)?.hasPrefix("Host \"evil.example:\(port)\" is not allowed") == true
            )
            #expect(backend.forced.withLock { $0 } == 0)
            // The same origin, loopback names and IP literals pass; the probes answer any Host.
            let sameOrigin = try await client.sendRaw(
                Self.request("POST", force, host: "localhost:\(port)", origin: "http://localhost:\(port)")
            )
            #expect(sameOrigin.status == 200)
            #expect(try await client.sendRaw(Self.request("GET", "/livez", host: "evil.example")).status == 200)
            #expect(try await client.sendRaw(Self.request("GET", "/readyz", host: "evil.example")).status == 200)
            #expect(try await client.sendRaw(Self.request("GET", "/openapi.json", host: "[::1]:\(port)")).status == 200)
            #expect(backend.forced.withLock { $0 } == 1)
        }
    }

    @Test func configuredHostsAndOriginsAreAccepted() async throws {
        let configuration = HTTPGatewayConfiguration(
            port: 0,
            allowedHosts: ["clusterd.example"],
            allowedOrigins: ["https://console.example"]
        )
        try await withGateway(configuration) { port, backend in
            let client = try HTTPTestClient(port: port)
            defer { client.close() }
            let force = "/api/clustering/background-force"
            let allowed = try await client.sendRaw(
                Self.request("POST", force, host: "clusterd.example:\(port)", origin: "https://console.example")
            )
            #expect(allowed.status == 200, "\(allowed)")
            let other = try await client.sendRaw(
                Self.request("POST", force, host: "clusterd.example", origin: "https://other.example")
            )
            #expect(other.status == 403)
            #expect(backend.forced.withLock { $0 } == 1)
        }
    }
}
