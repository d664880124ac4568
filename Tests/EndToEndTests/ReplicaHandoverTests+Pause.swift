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
    @Test("SIGSTOP of the leader mid-run past its lease, then SIGCONT: its run is fenced off and it follows")
    func pausedLeaderIsFencedOff() async throws {
        let configuration = try EmbeddedMongo.configuration()
        let store = try MongoStore(configuration: configuration)
        defer { store.close() }
        let corpus = Corpus(conversationsPerTopic: 20, messagesPerConversation: 10)
        try corpus.insert(into: store)
        var servers: [String: ServerProcess] = [:]
        for index in 1...3 {
            let id = "replica-\(index)"
            servers[id] = try await ServerProcess.start(store: configuration, environment: Self.environment(id))
        }
        defer { for server in servers.values { server.kill(SIGKILL) } }
        try await waitUntil("every message analysed", timeout: .seconds(60)) {
            try store.countAnalyses() == corpus.messages.count
        }
        var replicas: [String: ReplicaStatus] = [:]
        try await waitUntil("one leader that every replica names", timeout: .seconds(20)) {
            replicas = await Self.statuses(servers)
            let leaders = replicas.values.filter(\.isLeader)
            return replicas.count == 3 && leaders.count == 1
                && replicas.values.allSatisfy { $0.leader == leaders[0].id }
        }
        let oldLeader = try #require(replicas.values.first { $0.isLeader })
        let paused = try #require(servers[oldLeader.id])

        // Stop the leader in the middle of a forced run (a run that ended before the signal landed is retried).
        var fenced: ClusteringRun?
        for _ in 0..<5 where fenced == nil {
            try await waitUntil("no run in progress", timeout: .seconds(30)) {
                try store.latestRun()?.status != .running
            }
            let before = try store.latestRun()?.id
            let client = try await paused.connect()
            _ = try await client.forceClustering()
            await client.close()
            var started: ClusteringRun?
            try await waitUntil("the forced run running", timeout: .seconds(20), poll: .milliseconds(5)) {
                started = try store.latestRun().flatMap { $0.id != before && $0.status == .running ? $0 : nil }
                return started != nil
            }
            paused.kill(SIGSTOP)
            let run = try #require(started)
            if try store.run(id: run.id)?.status == .running {
                fenced = run
            } else {
                paused.kill(SIGCONT)
            }
        }
        let run = try #require(fenced, "no forced run was caught in progress")
        #expect(run.owner == oldLeader.id && run.fencingToken == oldLeader.fencingToken, "\(run)")
        let stoppedAt = ContinuousClock.now

        // Past its lease another replica leads, with a newer token, and abandons the paused leader's run.
        var others = servers
        others[oldLeader.id] = nil
        var newLeader: ReplicaStatus?
        try await waitUntil("a new leader", timeout: .seconds(20)) {
            newLeader = await Self.statuses(others).values.first { $0.isLeader }
            return newLeader != nil
        }
        let handover = ContinuousClock.now - stoppedAt
        let leader = try #require(newLeader)
        #expect(leader.fencingToken > oldLeader.fencingToken, "\(leader)")
        try await waitUntil("the paused leader's run abandoned", timeout: .seconds(10)) {
            try store.run(id: run.id)?.status == .abandoned
        }

        // Resumed, the old leader finishes its run, which the fence refuses; it follows the new leader.
        paused.kill(SIGCONT)
        let resumedAt = ContinuousClock.now
        try await waitUntil("the resumed replica's run refused", timeout: .seconds(30)) {
            paused.stderr.contains("not published")
        }
        var follower: ReplicaStatus?
        try await waitUntil("the resumed replica follows", timeout: .seconds(20)) {
            follower = await Self.statuses([oldLeader.id: paused])[oldLeader.id]
            return follower.map { !$0.isLeader && $0.leader == leader.id } ?? false
        }
        let rejoined = ContinuousClock.now - resumedAt
        #expect(try store.run(id: run.id)?.status == .abandoned, "the fenced run stays abandoned")
        let published = try store.recentRuns(limit: 200).filter {
            $0.status == .succeeded && $0.fencingToken == oldLeader.fencingToken && $0.createdAt >= run.createdAt
        }
        #expect(published.isEmpty, "published under the old token: \(published.map(\.id))")

        // The new leader's next run is published, and the fenced run's clusters are pruned.
        let client = try await #require(servers[leader.id]).connect()
        _ = try await client.forceClustering()
        await client.close()
        try await waitUntil("a run published by the new leader", timeout: .seconds(30)) {
            try store.recentRuns(limit: 200).contains {
                $0.status == .succeeded && $0.owner == leader.id && $0.fencingToken == leader.fencingToken
                    && $0.createdAt > run.createdAt
            }
        }
        // Pruning follows the publication.
        try await waitUntil("the fenced run's clusters pruned", timeout: .seconds(20)) {
            try store.clusters(runID: run.id).isEmpty
        }
        print(
            "[replicas] SIGSTOP of the leader: new leader after \(handover), the paused one follows \(rejoined) after SIGCONT"
        )
        for server in servers.values { _ = await server.terminate() }
    }
}
