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
    @Suite("Crash recovery")
    struct CrashRecovery {
        @Test("SIGKILL mid-analysis and mid-run: after restarts every message is analysed, interrupted runs abandoned")
        func killAndRestart() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let environment = ServerProcess.hashingEmbedder.merging([
                "CLUSTERD_TICK_SECONDS": "0.3", "CLUSTERD_ANALYSIS_WORKERS": "2",
            ]) { _, new in new }
            let corpus = Corpus(conversationsPerTopic: 10, messagesPerConversation: 14)
            let total = corpus.messages.count

            /// Never more than one run document is `running`.
            func expectAtMostOneRunning(_ phase: String) throws {
                let running = try runStatuses(store)[.running] ?? 0
                #expect(running <= 1, "\(running) runs are running (\(phase))")
            }

            // A run a process that died mid-run left `running`.
            let staleCreated = Date().addingTimeInterval(-120)
            let stale = ClusteringRun(
                id: ObjectIDGenerator.make(now: staleCreated),
                createdAt: staleCreated,
                status: .running,
                triggerReason: "left running by a crashed process",
                inputs: RunInputs(
                    seed: 42,
                    embedder: "hashing",
                    kRule: "silhouette:2-12",
                    messageThreshold: 3,
                    timeThresholdMinutes: 30,
                    snapshotAnalyzedBefore: staleCreated
                )
            )
            try store.insertRun(stale)

            // 1. The first server abandons the stale run at start-up, and is killed in the middle of analysing.
            let first = try await ServerProcess.start(store: configuration, environment: environment)
            let client = try await first.connect()
            try await waitUntil("the stale run abandoned", timeout: .seconds(20)) {
                try store.run(id: stale.id)?.status == .abandoned
            }
            try corpus.insert(into: store)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for id in corpus.messageIDs {
                    group.addTask {
                        let outcome = try await client.triggerAnalysis(messageID: id)
                        #expect(outcome == .queued || outcome == .alreadyQueued)
                    }
                }
                try await group.waitForAll()
            }
            try await waitUntil("some analyses done", timeout: .seconds(20), poll: .milliseconds(5)) {
                try await client.status().analyzedTotal >= 20
            }
            first.kill(SIGKILL)
            #expect(await first.waitForExit(timeout: .seconds(5)) == .signaled(SIGKILL))
            await client.close()
            let analysedAtKill = try store.countAnalyses()
            print("crash recovery: killed the first server after \(analysedAtKill) of \(total) analyses")
            #expect(analysedAtKill < total, "the first server finished before it was killed")
            try expectAtMostOneRunning("after the first kill")

            // 2. The second server's sweep picks up the rest; try to catch its automatic run in progress.
            let second = try await ServerProcess.start(store: configuration, environment: environment)
            let secondClient = try await second.connect()
            var liveRunID: String?
            var polls = 0
            try await waitUntil("a run in progress or finished", timeout: .seconds(60), poll: .milliseconds(3)) {
                let status = try await secondClient.status()
                polls += 1
                if polls % 50 == 0 { try expectAtMostOneRunning("while polling") }
                if status.clusteringInProgress, let run = status.lastRun, run.status == "running" {
                    second.kill(SIGKILL)
                    liveRunID = run.id
                    return true
                }
                return status.latestClusteringRun != nil && !status.clusteringInProgress
            }
            await secondClient.close()
            var current = second
            if let liveRunID {
                #expect(await second.waitForExit(timeout: .seconds(5)) == .signaled(SIGKILL))
                print("crash recovery: killed the second server during run \(liveRunID)")
                #expect(try store.run(id: runRecordID(liveRunID))?.status == .running)
                try expectAtMostOneRunning("after the second kill")
                // 3. A third server abandons the live run and finishes the work.
                current = try await ServerProcess.start(store: configuration, environment: environment)
                try await waitUntil("the interrupted live run abandoned", timeout: .seconds(20)) {
                    try store.run(id: runRecordID(liveRunID))?.status == .abandoned
                }
                // The warning is written after the run's status: wait for it as for the status.
                try await waitUntil("the abandonment logged", timeout: .seconds(10)) {
                    !logLines(current.stderr, level: "WARNING", containing: "interrupted clustering run").isEmpty
                }
            } else {
                print("crash recovery: the second server's run finished before a poll saw it running")
            }

            let finalClient = try await current.connect()
            try await waitUntil("every message analysed", timeout: .seconds(60)) {
                try store.countAnalyses() == total
            }
            var status = try await finalClient.status()
            try await waitUntil("a successful run over every message", timeout: .seconds(60)) {
                status = try await finalClient.status()
                return status.latestClusteringRun?.totalMessages == total && !status.clusteringInProgress
            }
            #expect(status.latestClusteringRun?.totalConversations == corpus.conversations.count)
            for message in [corpus.messages.first!, corpus.messages.last!] {
                #expect(try store.analysis(messageID: message.id)?.embedding.isEmpty == false)
            }
            let abandoned = try #require(try store.run(id: stale.id))
            #expect(abandoned.status == .abandoned)
            #expect(abandoned.finishedAt != nil)
            #expect(abandoned.error?.isEmpty == false)
            let statuses = try runStatuses(store)
            #expect(statuses[.running] == nil, "\(statuses)")
            #expect(statuses[.abandoned] == (liveRunID == nil ? 1 : 2), "\(statuses)")
            #expect((statuses[.succeeded] ?? 0) >= 1)
            await finalClient.close()
            await current.terminate()
        }
    }
}
