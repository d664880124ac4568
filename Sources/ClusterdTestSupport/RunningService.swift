import ServiceLifecycle
import ServiceLifecycleTestKit

/// Runs a server `Service` for a test: `body` gets its bound port while it serves; then graceful shutdown is
/// triggered (also when `body` throws) and its `run()` is awaited, so the drain is part of every test.
public func withRunningService<Server: Service, Result: Sendable>(
    _ server: Server,
    listeningPort: @escaping @Sendable () async throws -> Int,
    _ body: (Int) async throws -> Result
) async throws -> Result {
    try await testGracefulShutdown { trigger in
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let outcome: Swift.Result<Result, any Error>
            do {
                outcome = .success(try await body(try await listeningPort()))
            } catch {
                outcome = .failure(error)
            }
            trigger.triggerGracefulShutdown()
            try await group.waitForAll()
            return try outcome.get()
        }
    }
}
