import ClusterdCore
import ClusterdRPC
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd.ReplicaHandover {
    @Test("rolling restart of three replicas under load: every message analysed, never two runs running")
    func rollingRestartUnderLoad() async throws {
        let configuration = try EmbeddedMongo.configuration()
        let store = try MongoStore(configuration: configuration)
        defer { store.close() }
        let first = Corpus(conversationsPerTopic: 5, messagesPerConversation: 10)
        try first.insert(into: store)
        var servers: [String: ServerProcess] = [:]
        for index in 1...3 {
            let id = "replica-\(index)"
            servers[id] = try await ServerProcess.start(store: configuration, environment: Self.environment(id))
        }
        defer { for server in servers.values { server.kill(SIGKILL) } }
        let sampler = try RunningRunsSampler(configuration: configuration)
        defer { _ = sampler.stop() }

        // Load: three conversations every 100 ms for as long as the restarts take.
        let load = MessageLoad(into: store)
        defer { _ = load.stop() }

        // One replica at a time: a graceful stop (the leader releases its lease), then a start under the same id,
        // which must see a leader before the next goes.
        var restarts: [Duration] = []
        for index in 1...3 {
            let id = "replica-\(index)"
            let old = try #require(servers[id])
            let stoppedAt = ContinuousClock.now
            let ended = await old.terminate()
            #expect(ended == .exited(0), "\(id) ended \(String(describing: ended))")
            servers[id] = try await ServerProcess.start(store: configuration, environment: old.environment)
            try await waitUntil("every replica sees one leader after restarting \(id)", timeout: .seconds(20)) {
                let replicas = await Self.statuses(servers)
                let leaders = replicas.values.filter(\.isLeader)
                return replicas.count == 3 && leaders.count == 1
                    && replicas.values.allSatisfy { $0.leader == leaders[0].id }
            }
            restarts.append(ContinuousClock.now - stoppedAt)
        }
        let loaded = load.stop()
        #expect(loaded.lastError == nil, "\(loaded)")
        let total = first.messages.count + loaded.messages
        try await waitUntil("every message analysed", timeout: .seconds(60)) {
            try store.countAnalyses() == total
        }
        let attempts = try store.attemptTotals()
        let sampled = sampler.stop()
        #expect(sampled.most <= 1, "\(sampled.most) runs running at once")
        #expect(sampled.samples > 20, "\(sampled)")
        let runs = try store.recentRuns(limit: 500)
        #expect(runs.contains { $0.status == .succeeded }, "\(runs.map { ($0.owner, $0.status) })")
        print(
            "[replicas] rolling restart: \(total) messages, \(attempts.attempts) attempts on \(attempts.documents) claims, restarts took \(restarts), \(runs.count) runs, most running at once \(sampled.most) in \(sampled.samples) samples"
        )
        for server in servers.values { _ = await server.terminate() }
    }
}
