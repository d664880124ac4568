import ClusterdCore
import ClusterdTestSupport
import Dispatch
import Logging
import Synchronization
import Testing

@testable import ClusterdRPC

/// The RPC server as a lifecycle service: graceful shutdown answers the calls already received, then closes;
/// the connection limit refuses with the protocol's own error frame.
@Suite(.timeLimit(.minutes(3)))
struct RPCServerLifecycleTests {
    /// Answers ForceClustering only after `release` is called; tells `received` when the call arrived.
    final class SlowHandler: RefusingRPCHandler {
        let received: AsyncStream<Void>
        private let receivedContinuation: AsyncStream<Void>.Continuation

        /// Whether ForceClustering is ever answered.
        private let answers: Bool
        /// The ForceClustering call waiting for `release`.
        private let waiting = Mutex<RPCResponder<ForceClusteringResult>?>(nil)

        init(answers: Bool = true) {
            self.answers = answers
            (received, receivedContinuation) = AsyncStream<Void>.makeStream()
        }

        func forceClustering(reply: RPCResponder<ForceClusteringResult>) {
            if answers { waiting.withLock { $0 = reply } }
            receivedContinuation.yield()
        }

        /// Answers the waiting ForceClustering call after `delay`, from another thread (as the service does for
        /// slow calls).
        func release(after delay: DispatchTimeInterval) {
            DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [self] in
                let reply = waiting.withLock { $0 }
                reply?.succeed(ForceClusteringResult(started: true, followUpQueued: false, message: "late"))
            }
        }

        func getStatus(reply: RPCResponder<ServiceStatus>) { reply.succeed(ServiceStatus()) }
    }

    @Test func gracefulShutdownAnswersTheCallInFlightThenCloses() async throws {
        let handler = SlowHandler()
        let server = RPCServer(
            configuration: RPCServer.Configuration(port: 0),
            service: handler,
            logger: Logger(label: "test")
        )
        let (port, reply) = try await withRunningService(server, listeningPort: server.listeningPort) { port in
            let client = try await ClusterdClient.connect(host: "127.0.0.1", port: port)
            let call = Task { try await client.forceClustering() }
            for await _ in handler.received { break }
            #expect(server.callsInFlight == 1)
            // Answered only once graceful shutdown (triggered when this body returns) is under way.
            handler.release(after: .milliseconds(300))
            return (port, call)
        }
        // run() has returned: the call in flight was answered before its connection closed.
        let answer = try await reply.value
        #expect(answer.message == "late")
        #expect(server.callsInFlight == 0)
        #expect(server.openConnections == 0)
        await #expect(throws: RPCError.self) { _ = try await ClusterdClient.connect(host: "127.0.0.1", port: port) }
    }

    @Test func aCallNeverAnsweredDoesNotHoldShutdownPastTheDrainTimeout() async throws {
        let handler = SlowHandler(answers: false)
        let server = RPCServer(
            configuration: RPCServer.Configuration(port: 0, drainTimeout: .milliseconds(200)),
            service: handler,
            logger: Logger(label: "test")
        )
        var shutdownStarted = ContinuousClock.now
        let call = try await withRunningService(server, listeningPort: server.listeningPort) { port in
            let client = try await ClusterdClient.connect(host: "127.0.0.1", port: port)
            let call = Task { try await client.forceClustering() }
            for await _ in handler.received { break }
            shutdownStarted = ContinuousClock.now
            return call
        }
        // Only the shutdown is timed: the drain gives up after 200 ms instead of waiting for the call forever.
        #expect(ContinuousClock.now - shutdownStarted < .seconds(30))
        // The connection was closed with the event loops: the caller learns it at once.
        await #expect(throws: RPCError.self) { _ = try await call.value }
        #expect(server.openConnections == 0)
    }

    @Test func beyondTheLimitAConnectionGetsResourceExhausted() async throws {
        let server = RPCServer(
            configuration: RPCServer.Configuration(port: 0, maxConnections: 1),
            service: SlowHandler(),
            logger: Logger(label: "test")
        )
        try await withRunningService(server, listeningPort: server.listeningPort) { port in
            let first = try await ClusterdClient.connect(host: "127.0.0.1", port: port)
            _ = try await first.status()
            #expect(server.openConnections == 1)
            let second = try RawConnection(port: port)
            defer { second.close() }
            let refusal = try await second.readFrame(timeout: .seconds(10))
            guard case .reply(.error(let error)) = refusal?.body else {
                Issue.record("expected an Error frame, got \(String(describing: refusal))")
                return
            }
            #expect(refusal?.callID == 0)
            #expect(error.code == .resourceExhausted)
            #expect(try await second.readFrame(timeout: .seconds(10)) == nil, "then the connection is closed")
            await first.close()
        }
    }
}
