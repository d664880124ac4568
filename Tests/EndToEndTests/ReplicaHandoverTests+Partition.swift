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
    /// Whether the partition test can run here (root and iproute2's `ip netns`).
    static var partitionsAvailable: Bool { NetworkNamespace.unavailableReason == nil }

    @Test(
        "partition: the leader's link to the store cut past its lease; a new leader; the old one publishes nothing",
        .enabled(
            if: partitionsAvailable,
            "SKIPPED: network namespaces are unavailable here (this test needs root and iproute2's `ip netns`)"
        )
    )
    func partitionedLeaderPublishesNothing() async throws {
        // The store listens on the host's end of a veth pair; replica-1 runs in the namespace at its other end.
        let namespace = try NetworkNamespace()
        defer { namespace.remove() }
        let mongo = try MongoInstance(inMemory: true, host: namespace.hostAddress)
        try await mongo.start()
        let configuration = StoreConfiguration(uri: mongo.uri, database: "partition")
        let store = try MongoStore(configuration: configuration)
        defer { store.close() }
        let corpus = Corpus(conversationsPerTopic: 10, messagesPerConversation: 10)
        try corpus.insert(into: store)
        let cutOff = "replica-1"
        var servers: [String: ServerProcess] = [:]
        servers[cutOff] = try await ServerProcess.start(
            store: configuration,
            environment: Self.environment(cutOff),
            launcher: namespace.launcher
        )
        defer { for server in servers.values { server.kill(SIGKILL) } }
        try await waitUntil("the namespaced replica leads", timeout: .seconds(20)) {
            try store.lease(named: "clustering")?.owner == cutOff
        }
        for index in 2...3 {
            let id = "replica-\(index)"
            servers[id] = try await ServerProcess.start(store: configuration, environment: Self.environment(id))
        }
        var others = servers
        others[cutOff] = nil
        let oldLease = try #require(try store.lease(named: "clustering"))
        try await waitUntil("every message analysed", timeout: .seconds(60)) {
            try store.countAnalyses() == corpus.messages.count
        }

        // Cut the link while the leader runs a forced run (asked for on a follower, forwarded through the store).
        var cutDuringRun = false
        for _ in 0..<5 where !cutDuringRun {
            try await waitUntil("no run in progress", timeout: .seconds(30)) {
                try store.latestRun()?.status != .running
            }
            let before = try store.latestRun()?.id
            let client = try await #require(others["replica-2"]).connect()
            _ = try await client.forceClustering()
            await client.close()
            try await waitUntil("the forwarded run running", timeout: .seconds(20), poll: .milliseconds(5)) {
                try store.latestRun().map { $0.id != before && $0.status == .running } ?? false
            }
            try namespace.cut()
            cutDuringRun = try store.latestRun()?.status == .running
            if !cutDuringRun { try namespace.restore() }
        }
        #expect(cutDuringRun, "no forwarded run was caught in progress")
        let cutAt = ContinuousClock.now
        let inProgress = try #require(try store.latestRun())
        #expect(inProgress.owner == cutOff && inProgress.fencingToken == oldLease.token, "\(inProgress)")
        let publishedBefore = Set(
            try store.recentRuns(limit: 200).filter { $0.status == .succeeded }.map(\.id)
        )

        // Past the lease, a replica on this side takes over (a newer token) and abandons the cut-off run.
        var newLease: Lease?
        try await waitUntil("a new leader", timeout: .seconds(20)) {
            newLease = try store.lease(named: "clustering").flatMap { $0.owner != cutOff ? $0 : nil }
            return newLease != nil
        }
        let handover = ContinuousClock.now - cutAt
        let lease = try #require(newLease)
        #expect(lease.token > oldLease.token, "\(lease)")
        try await waitUntil("the cut-off run abandoned", timeout: .seconds(10)) {
            try store.run(id: inProgress.id)?.status == .abandoned
        }
        // Longer than the lease in all, then the link returns: the old leader finds the new one and follows.
        try await Task.sleep(for: .seconds(1))
        try namespace.restore()
        let restoredAt = ContinuousClock.now
        let cutOffServer = try #require(servers[cutOff])
        try await waitUntil("the cut-off replica follows", timeout: .seconds(45)) {
            !logLines(cutOffServer.stderr, containing: "Replica \(lease.owner) leads clustering").isEmpty
        }
        let rejoined = ContinuousClock.now - restoredAt

        // Nothing was published under the old token since the cut; the new leader publishes the next run.
        let client = try await #require(servers[lease.owner]).connect()
        _ = try await client.forceClustering()
        await client.close()
        try await waitUntil("a run published by the new leader", timeout: .seconds(30)) {
            try store.recentRuns(limit: 200).contains {
                $0.status == .succeeded && $0.owner == lease.owner && $0.fencingToken == lease.token
            }
        }
        let runs = try store.recentRuns(limit: 200)
        let lateOld = runs.filter {
            $0.status == .succeeded && $0.fencingToken <= oldLease.token && !publishedBefore.contains($0.id)
        }
        #expect(lateOld.isEmpty, "published under the old token after the cut: \(lateOld.map(\.id))")
        #expect(try store.run(id: inProgress.id)?.status == .abandoned)
        let stale = runs.filter { $0.fencingToken <= oldLease.token && $0.status == .running }
        #expect(stale.isEmpty, "\(stale.map { ($0.owner, $0.status) })")
        print(
            "[replicas] partition of the leader: new leader after \(handover), the cut-off one follows \(rejoined) after the link returned"
        )
        for server in servers.values { _ = await server.terminate() }
    }
}
