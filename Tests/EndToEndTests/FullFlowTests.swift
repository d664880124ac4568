import ClusterdCore
import ClusterdRPC
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd {
    @Suite("Full flow")
    struct FullFlow {
        @Test("messages in MongoDB, triggered over RPC, clustered automatically; RPC and MongoDB agree; seed log lines")
        func fullFlow() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let corpus = Corpus(conversationsPerTopic: 2, messagesPerConversation: 3)
            let server = try await ServerProcess.start(
                store: configuration,
                // No change stream either: it would queue the messages before the triggers do.
                environment: ["CLUSTERD_TICK_SECONDS": "60", "CLUSTERD_CHANGE_STREAM": "off"]
            )
            // Written after start-up, with a slow sweep (the next one a minute away: a loaded test machine can stall
            // this process for seconds), so the triggers (not the sweep) find them first.
            // The start-up tick (state, lease, the first sweep of an empty collection) is done before the messages
            // are written: on a loaded machine the process can reach it seconds after it accepts connections.
            let client = try await server.connect()
            try await waitUntil("the start-up tick", timeout: .seconds(30)) {
                try await !client.status().replica.leader.isEmpty
            }
            try corpus.insert(into: store)
            var queued: [String] = []
            for (index, message) in corpus.messages.enumerated() {
                let outcome = try await client.triggerAnalysis(
                    messageID: message.id.description,
                    conversationID: index % 2 == 0 ? message.conversationID.description : ""
                )
                #expect(outcome == .queued || outcome == .alreadyQueued)
                if outcome == .queued { queued.append(message.id.description) }
            }
            #expect(!queued.isEmpty)

            try await waitUntil("every message analysed", timeout: .seconds(30)) {
                try store.countAnalyses() == corpus.messages.count
            }
            for message in corpus.messages {
                let analysis = try #require(try store.analysis(messageID: message.id))
                #expect(analysis.conversationID == message.conversationID)
                #expect(!analysis.embedding.isEmpty)
            }
            try await waitUntil("an automatic successful run", timeout: .seconds(30)) {
                try await client.status().latestClusteringRun != nil
            }
            // Automatic runs may have started before the last analyses landed; make sure the latest covers all.
            var status = try await client.status()
            try await waitUntil("no run in progress", timeout: .seconds(30)) {
                status = try await client.status()
                return !status.clusteringInProgress
            }
            if status.latestClusteringRun?.totalMessages != corpus.messages.count {
                _ = try await client.forceClustering()
                try await waitUntil("a run over every message", timeout: .seconds(30)) {
                    status = try await client.status()
                    return status.latestClusteringRun?.totalMessages == corpus.messages.count
                        && !status.clusteringInProgress
                }
            }
            let latest = try #require(status.latestClusteringRun)
            #expect(latest.status == "succeeded")
            #expect(latest.totalConversations == corpus.conversations.count)

            // Over RPC.
            let listing = try await client.listClusters()
            #expect(listing.run.id == latest.id)
            #expect(listing.run.status == "succeeded")
            #expect(listing.clusters.count == listing.run.clustersCreated)
            #expect(listing.clusters.count >= 2)
            #expect(listing.clusters.map(\.size).reduce(0, +) == corpus.conversations.count)
            #expect(try await client.listClusters(runID: latest.id) == listing)

            // From MongoDB.
            let runID = runRecordID(latest.id)
            let run = try #require(try store.run(id: runID))
            #expect(run.status == .succeeded)
            #expect(run.totalConversations == corpus.conversations.count)
            #expect(run.totalMessages == corpus.messages.count)
            let stored = try store.clusters(runID: runID)
            #expect(
                Dictionary(uniqueKeysWithValues: stored.map { ($0.stableID, $0.size) })
                    == Dictionary(uniqueKeysWithValues: listing.clusters.map { ($0.stableID, $0.size) })
            )
            #expect(Set(stored.map(\.name)) == Set(listing.clusters.map(\.name)))
            let assignments = try store.assignments(runID: runID)
            #expect(assignments.count == corpus.conversations.count)
            #expect(Set(assignments.map(\.conversationID)) == Set(corpus.conversations))
            var members: [String: Int] = [:]
            for assignment in assignments { members[assignment.stableID, default: 0] += 1 }
            #expect(members == Dictionary(uniqueKeysWithValues: listing.clusters.map { ($0.stableID, $0.size) }))

            // How well the topics separate (reported, not asserted: the embedder is the hashing fallback).
            var topicsPerCluster: [String: Set<String>] = [:]
            for assignment in assignments {
                topicsPerCluster[assignment.stableID, default: []]
                    .insert(corpus.topicOfConversation[assignment.conversationID] ?? "?")
            }
            print("full flow: \(listing.clusters.count) clusters; topics per cluster: \(topicsPerCluster)")

            // The seed's log lines, in the seed's format.
            let log = server.stderr
            for id in queued {
                #expect(
                    !logLines(log, containing: "Triggered background analysis for message \(id)").isEmpty,
                    "no trigger log line for \(id)"
                )
            }
            #expect(!logLines(log, containing: "Starting background clustering operation").isEmpty)
            #expect(!logLines(log, containing: "Background clustering completed successfully").isEmpty)

            await client.close()
            let termination = await server.terminate()
            #expect(termination == .exited(0))
            #expect(server.stderr.contains("clusterd stopped"))
        }
    }
}
