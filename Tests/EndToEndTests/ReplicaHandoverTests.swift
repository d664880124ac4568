import ClusterdCore
import ClusterdRPC
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    @Suite("Replicas")
    struct ReplicaHandover {
        /// The environment of replica `id`: the hashing embedder and a short lease (3 s, renewed every second).
        static func environment(_ id: String) -> [String: String] {
            ServerProcess.hashingEmbedder.merging([
                "CLUSTERD_INSTANCE_ID": id, "CLUSTERD_LEASE_SECONDS": "3", "CLUSTERD_LEASE_RENEW_SECONDS": "1",
            ]) { _, new in new }
        }

        /// Each replica's status, by id (a replica that does not answer is left out).
        static func statuses(_ servers: [String: ServerProcess]) async -> [String: ReplicaStatus] {
            var result: [String: ReplicaStatus] = [:]
            for (id, server) in servers {
                guard let client = try? await server.connect() else { continue }
                if let status = try? await client.status() { result[id] = status.replica }
                await client.close()
            }
            return result
        }

        @Test("three replicas on one store: shared analysis, one leader, SIGKILL of the leader hands over")
        func shareAnalysisAndHandOver() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let corpus = Corpus(conversationsPerTopic: 10, messagesPerConversation: 10)
            let total = corpus.messages.count
            try corpus.insert(into: store)
            var servers: [String: ServerProcess] = [:]
            for index in 1...3 {
                let id = "replica-\(index)"
                servers[id] = try await ServerProcess.start(store: configuration, environment: Self.environment(id))
            }

            // Every message analysed, each about once, by whichever replica claimed it; then a second corpus arrives
            // while all three run, so each sees every insert on its change stream and they race for every message.
            try await waitUntil("every message analysed", timeout: .seconds(60)) {
                try store.countAnalyses() == total
            }
            let second = Corpus(conversationsPerTopic: 10, messagesPerConversation: 10)
            try second.insert(into: store)
            let messages = total + second.messages.count
            try await waitUntil("every message of both corpora analysed", timeout: .seconds(60)) {
                try store.countAnalyses() == messages
            }
            let attempts = try store.attemptTotals()
            #expect(attempts.documents == messages, "\(attempts) for \(messages) messages")
            #expect(Double(attempts.attempts) <= 1.05 * Double(messages), "\(attempts) for \(messages) messages")
            // Each claim counts an attempt, and a claim is taken over only once expired (120 s, longer than this
            // test): as many attempts as claimed messages means no message was ever in flight on two replicas.
            #expect(attempts.attempts == attempts.documents, "\(attempts.attempts - attempts.documents) claimed twice")
            print("[replicas] shared analysis: \(attempts.attempts) attempts for \(messages) messages")

            // Exactly one leader, and every replica names it.
            var replicas: [String: ReplicaStatus] = [:]
            try await waitUntil("every replica has seen the lease", timeout: .seconds(20)) {
                replicas = await Self.statuses(servers)
                return replicas.count == 3 && replicas.values.allSatisfy { !$0.leader.isEmpty }
            }
            let leaders = replicas.values.filter(\.isLeader)
            #expect(leaders.count == 1, "\(replicas)")
            let oldLeader = try #require(leaders.first)
            #expect(replicas.values.allSatisfy { $0.leader == oldLeader.id }, "\(replicas)")

            // SIGKILL the leader in the middle of a forced run: another takes over within 20 s.
            let leaderClient = try await #require(servers[oldLeader.id]).connect()
            _ = try await leaderClient.forceClustering()
            await leaderClient.close()
            var interrupted: ClusteringRun?
            try await waitUntil("the forced run running", timeout: .seconds(20), poll: .milliseconds(10)) {
                interrupted = try store.latestRun().flatMap { $0.status == .running ? $0 : nil }
                return interrupted != nil
            }
            let run = try #require(interrupted)
            #expect(run.owner == oldLeader.id && run.fencingToken == oldLeader.fencingToken)
            let killedAt = ContinuousClock.now
            servers[oldLeader.id]?.kill(SIGKILL)
            _ = await servers[oldLeader.id]?.waitForExit(timeout: .seconds(5))
            servers[oldLeader.id] = nil
            var newLeader: ReplicaStatus?
            try await waitUntil("a new leader", timeout: .seconds(20)) {
                newLeader = await Self.statuses(servers).values.first { $0.isLeader }
                return newLeader != nil
            }
            let leader = try #require(newLeader)
            let handover = ContinuousClock.now - killedAt
            #expect(handover < .seconds(20))
            print("[replicas] SIGKILL of the leader: new leader after \(handover)")
            #expect(leader.id != oldLeader.id && leader.fencingToken > oldLeader.fencingToken, "\(leader)")

            // The interrupted run ends abandoned, and the next forced run is published by the new leader.
            try await waitUntil("the interrupted run abandoned", timeout: .seconds(20)) {
                try store.run(id: run.id)?.status == .abandoned
            }
            let client = try await #require(servers[leader.id]).connect()
            _ = try await client.forceClustering()
            await client.close()
            try await waitUntil("a run published by the new leader", timeout: .seconds(30)) {
                try store.recentRuns(limit: 100).contains {
                    $0.status == .succeeded && $0.owner == leader.id && $0.fencingToken == leader.fencingToken
                }
            }
            // Nothing of the killed leader is left running; the new leader may already have started an automatic
            // run, but never two at once.
            let runs = try store.recentRuns(limit: 100)
            let running = runs.filter { $0.status == .running }
            #expect(
                running.count <= 1 && running.allSatisfy { $0.owner == leader.id },
                "\(runs.map { ($0.owner, $0.status) })"
            )
            for server in servers.values { _ = await server.terminate() }
        }
    }
}
