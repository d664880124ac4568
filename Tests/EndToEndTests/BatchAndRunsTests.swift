import ClusterdCore
import ClusterdRPC
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd {
    @Suite("Batch triggers and ListRuns")
    struct BatchAndRuns {
        @Test("a batch answers each id in order; empty and oversized batches are refused whole; the queue bound holds")
        func batchTrigger() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let server = try await ServerProcess.start(
                store: configuration,
                environment: ["CLUSTERD_QUEUE_CAPACITY": "3", "CLUSTERD_ANALYSIS_WORKERS": "1"]
            )
            let client = try await server.connect()
            let ids = ["a1", "", String(repeating: "x", count: 1025), "a2", "a1", "a3", "a4", "a5"]
            let (results, depth) = try await client.triggerAnalysisBatch(ids.map { TriggerItem(messageID: $0) })
            #expect(results.count == ids.count)
            #expect(results[0].outcome == .queued && results[0].error == nil)
            #expect(results[1].error?.code == .invalidArgument && results[1].outcome == .unspecified)
            #expect(results[2].error?.message == "message_id is longer than 1024 characters")
            #expect(results[4].outcome == .alreadyQueued || results[4].outcome == .queued)
            // Capacity 3: a1, a2, a3 fit (decided under one lock, so no analysis frees a slot meanwhile).
            #expect(results[5].outcome == .queued)
            #expect(results[6].error?.code == .resourceExhausted && results[7].error?.code == .resourceExhausted)
            #expect(depth <= 3)
            let status = try await client.status()
            #expect(status.triggersRefused == 2)
            #expect(status.triggersTotal == 6, "invalid ids are not counted as triggers")

            await #expect(throws: RPCError.self) { try await client.triggerAnalysisBatch([]) }
            do {
                _ = try await client.triggerAnalysisBatch(Array(repeating: TriggerItem(messageID: "m"), count: 10_001))
                Issue.record("a batch of 10001 ids was accepted")
            } catch let error as RPCError {
                #expect(error.code == .invalidArgument)
                #expect(error.message.contains("at most 10000"))
            }
            // The connection survives refused batches.
            #expect(try await client.status().triggersTotal == 6)
            await client.close()
            await server.terminate()
        }

        @Test("ForgetMessages refuses bad requests over the wire with INVALID_ARGUMENT and a clear message")
        func invalidForget() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let server = try await ServerProcess.start(store: configuration)
            let client = try await server.connect()
            let cases: [(RPCRequest, String)] = [
                (.forgetMessages(messageIDs: [], conversationID: ""), "no message ids to forget"),
                (.forgetMessages(messageIDs: ["a"], conversationID: "c"), "not both"),
                (.forgetMessages(messageIDs: ["a", ""], conversationID: ""), "message_ids[1]: message_id is empty"),
                (
                    .forgetMessages(messageIDs: Array(repeating: "m", count: 10_001), conversationID: ""),
                    "at most 10000"
                ),
                (
                    .forgetMessages(messageIDs: [], conversationID: String(repeating: "x", count: 1025)),
                    "conversation_id is longer than 1024 characters"
                ),
            ]
            for (request, words) in cases {
                do {
                    _ = try await client.call(request)
                    Issue.record("\(words): accepted")
                } catch let error as RPCError {
                    #expect(error.code == .invalidArgument)
                    #expect(error.message.contains(words), "\(error.message)")
                }
            }
            // The connection survives, and a valid erasure of nothing erases nothing.
            let result = try await client.forgetMessages(ids: ["never-seen"])
            #expect(result == ForgetMessagesResult(analysesErased: 0, assignmentsErased: 0, clustersScrubbed: 0))
            await client.close()
            await server.terminate()
        }

        @Test("ListRuns returns runs of any status newest first, honours the limit, and matches status")
        func listRuns() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let server = try await ServerProcess.start(store: configuration)
            let client = try await server.connect()
            #expect(try await client.listRuns().isEmpty)
            // One conversation only: the forced run is recorded as skipped.
            try Corpus(conversationsPerTopic: 1, messagesPerConversation: 2, topicCount: 1).insert(into: store)
            _ = try await client.forceClustering()
            try await waitUntil("the skipped run", timeout: .seconds(30)) {
                try await client.listRuns().first?.status == "skipped"
            }
            try Corpus(conversationsPerTopic: 1, messagesPerConversation: 2).insert(into: store)
            _ = try await client.forceClustering()
            try await waitUntil("the succeeded run", timeout: .seconds(60)) {
                try await client.listRuns().first?.status == "succeeded"
            }
            let runs = try await client.listRuns()
            try #require(runs.count == 2)
            #expect(runs.map(\.status) == ["succeeded", "skipped"])
            #expect(runs[0].createdAt >= runs[1].createdAt)
            #expect(runs[1].error.contains("conversation"), "the skip says why: \(runs[1].error)")
            #expect(try await client.listRuns(limit: 1).map(\.id) == [runs[0].id])
            let status = try await client.status()
            #expect(status.lastRun?.id == runs[0].id && status.latestClusteringRun?.id == runs[0].id)
            await client.close()
            await server.terminate()
        }
    }
}
