import ClusterdTestSupport
import Logging
import Testing

@testable import ClusterdHTTP

/// The gateway as a lifecycle service: graceful shutdown closes idle keep-alive connections at once (NIOHTTP1's
/// pipeline handler quiesces them) instead of waiting out the drain timeout, and nothing stays counted.
@Suite(.timeLimit(.minutes(3)))
struct HTTPGatewayLifecycleTests {
    @Test func gracefulShutdownClosesAnIdleKeepAliveConnectionWithoutWaitingForTheDrainTimeout() async throws {
        var configuration = HTTPGatewayConfiguration(port: 0)
        // Far beyond what shutdown may take even on a loaded machine; a shutdown that waited for it fails the 50 s
        // check below (the suite's 3-minute limit leaves room for a start delayed by other suites' compute).
        configuration.drainTimeout = .seconds(100)
        let gateway = HTTPGateway(configuration: configuration, backend: FakeBackend(), logger: Logger(label: "test"))
        var shutdownStarted = ContinuousClock.now
        let client = try await withRunningService(gateway, listeningPort: gateway.listeningPort) { port in
            let client = try HTTPTestClient(port: port)
            #expect(try await client.send("GET", "/livez").status == 200)
            #expect(gateway.openConnections == 1)
            shutdownStarted = ContinuousClock.now
            return client
        }
        defer { client.close() }
        // Only the shutdown is timed (from the body's end, when it is triggered, to run()'s return).
        #expect(ContinuousClock.now - shutdownStarted < .seconds(50), "run() waited for the drain timeout")
        #expect(gateway.openConnections == 0)
        #expect(try await client.closedByPeer(within: .seconds(5)))
    }

}
