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
    @Suite("Faults under load")
    struct Faults {
        /// Triggers ids from `ids` until cancelled (each once when `cycle` is false); returns the outcomes and
        /// error codes it saw.
        static func triggerLoad(port: Int, ids: [String], cycle: Bool = true) -> Task<[String: Int], Never> {
            Task.detached {
                var seen: [String: Int] = [:]
                var client: ClusterdClient?
                var index = 0
                while !Task.isCancelled && (cycle || index < ids.count) {
                    do {
                        if client == nil { client = try await ClusterdClient.connect(host: "127.0.0.1", port: port) }
                        let outcome = try await client!.triggerAnalysis(messageID: ids[index % ids.count])
                        seen["\(outcome)", default: 0] += 1
                    } catch let error as RPCError {
                        seen["\(error.code)", default: 0] += 1
                        if error.code == .unavailable {
                            await client?.close()
                            client = nil
                            try? await Task.sleep(for: .milliseconds(50))
                        }
                    } catch {
                        seen["other: \(error)", default: 0] += 1
                    }
                    index += cycle ? 7 : 1
                }
                await client?.close()
                return seen
            }
        }

        @Test("SIGKILL five times under load and mid-clustering: nothing lost, interrupted runs abandoned")
        func repeatedKills() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let corpus = Corpus(conversationsPerTopic: 30, messagesPerConversation: 8)
            try corpus.insert(into: store)
            let ids = corpus.messages.map(\.id.description)
            let environment = ServerProcess.hashingEmbedder.merging([
                "CLUSTERD_TICK_SECONDS": "0.3", "CLUSTERING_MESSAGE_THRESHOLD": "20",
            ]) { _, new in new }
            var caughtRunning = 0
            var killedRunIDs: [String] = []
            for round in 0..<5 {
                let server = try await ServerProcess.start(store: configuration, environment: environment)
                // Each round triggers its own fifth of the messages once, so re-analysis comes from the kills only.
                let slice = Array(ids[(round * ids.count / 5)..<((round + 1) * ids.count / 5)])
                let load = Self.triggerLoad(port: server.port, ids: slice, cycle: false)
                let client = try await server.connect()
                if round > 0 { _ = try await client.forceClustering() }
                // Kill while a clustering run is in progress if one shows up within 4 s, else mid-analysis.
                let deadline = ContinuousClock.now + .seconds(4)
                var running: String?
                while ContinuousClock.now < deadline {
                    let status = try await client.status()
                    if status.clusteringInProgress, let run = status.lastRun, run.status == "running" {
                        running = run.id
                        break
                    }
                    try await Task.sleep(for: .milliseconds(5))
                }
                server.kill(SIGKILL)
                _ = await server.waitForExit(timeout: .seconds(10))
                load.cancel()
                _ = await load.value
                await client.close()
                if let running {
                    caughtRunning += 1
                    killedRunIDs.append(running)
                }
                let runningNow = try store.recentRuns(limit: 1000).filter { $0.status == .running }.count
                #expect(runningNow <= 1, "round \(round): \(runningNow) runs left running")
            }
            // The last restart: orphans must be analysed within seconds, and interrupted runs abandoned.
            let restarted = ContinuousClock.now
            let server = try await ServerProcess.start(store: configuration, environment: environment)
            try await waitUntil("every message analysed after the restarts", timeout: .seconds(60)) {
                try store.countAnalyses() == ids.count
            }
            let catchUp = ContinuousClock.now - restarted
            let client = try await server.connect()
            try await waitUntil("a successful run over everything", timeout: .seconds(60)) {
                let status = try await client.status()
                return !status.clusteringInProgress && status.latestClusteringRun?.totalMessages == ids.count
            }
            let runs = try store.recentRuns(limit: 1000)
            #expect(runs.filter { $0.status == .running }.isEmpty)
            for id in killedRunIDs {
                #expect(runs.first { $0.id.description == id }?.status == .abandoned, "run \(id)")
            }
            let totals = try store.attemptTotals()
            print(
                String(
                    format:
                        "SIGKILL ×5: caught a run in progress %d times; catch-up after the last restart %.1f s; "
                        + "re-analysis ratio %.3f (%d attempts over %d messages); runs: %@",
                    caughtRunning,
                    Double(catchUp.components.seconds) + Double(catchUp.components.attoseconds) / 1e18,
                    Double(totals.attempts) / Double(max(1, totals.documents)),
                    totals.attempts,
                    totals.documents,
                    Dictionary(grouping: runs, by: \.status.rawValue).mapValues(\.count).description
                )
            )
            #expect(catchUp < .seconds(30), "orphans took \(catchUp) to be analysed")
            await client.close()
            await server.terminate()
        }

        @Test(
            "MongoDB stopped for 20 s under load: clusterd stays up, reports the store degraded, recovers, loses nothing"
        )
        func mongoOutage() async throws {
            let mongo = try MongoInstance()
            try await mongo.start()
            let configuration = StoreConfiguration(uri: mongo.uri, database: "outage")
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let corpus = Corpus(conversationsPerTopic: 10, messagesPerConversation: 6)
            try corpus.insert(into: store)
            let ids = corpus.messages.map(\.id.description)
            let environment = ServerProcess.hashingEmbedder.merging(["CLUSTERD_TICK_SECONDS": "0.5"]) { _, new in new }
            try await ServerProcess.with(store: configuration, environment: environment) { server in
                let client = try await server.connect()
                for id in ids.prefix(ids.count / 2) { _ = try await client.triggerAnalysis(messageID: id) }
                try await waitUntil("the first half analysed", timeout: .seconds(30)) {
                    try store.countAnalyses() >= ids.count / 2
                }
                await mongo.stop()
                let load = Self.triggerLoad(port: server.port, ids: Array(ids.suffix(ids.count / 2)))
                // While MongoDB is down: status answers fast and says the store is degraded.
                try await waitUntil("the store reported degraded", timeout: .seconds(15)) {
                    try await client.status().degraded.contains("store")
                }
                var slowest = Duration.zero
                let outageEnd = ContinuousClock.now + .seconds(20)
                while ContinuousClock.now < outageEnd {
                    let started = ContinuousClock.now
                    let status = try await client.status()
                    slowest = max(slowest, ContinuousClock.now - started)
                    #expect(status.degraded.contains("store"))
                    try await Task.sleep(for: .milliseconds(250))
                }
                try await mongo.start()
                load.cancel()
                let outcomes = await load.value
                print("triggers during the outage: \(outcomes); slowest GetStatus \(slowest)")
                let unexpected = outcomes.keys.filter {
                    !["queued", "alreadyQueued", "RESOURCE_EXHAUSTED"].contains($0)
                }
                #expect(unexpected.isEmpty, "unexpected trigger outcomes during the outage: \(outcomes)")
                #expect(slowest < .milliseconds(500), "GetStatus took \(slowest) while MongoDB was down")
                // Recovery by itself: every message analysed, the store healthy again, and a successful run.
                try await waitUntil("every message analysed after the outage", timeout: .seconds(60)) {
                    (try? store.countAnalyses()) == ids.count
                }
                try await waitUntil("the store healthy again", timeout: .seconds(30)) {
                    try await !client.status().degraded.contains("store")
                }
                try await waitUntil("a successful run over everything", timeout: .seconds(60)) {
                    try await client.status().latestClusteringRun?.totalMessages == ids.count
                }
                await client.close()
            }
            await mongo.stop()
        }
    }
}
