import ClusterdCore
import ClusterdRPC
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd {
    @Suite("Pipelining")
    struct Pipelining {
        /// What kind of reply a request must get.
        private static func answers(_ request: RPCRequest, with reply: RPCReply) -> Bool {
            switch (request, reply) {
            case (.getStatus, .getStatus): return true
            case (.triggerAnalysis, .triggerAnalysis(let result)):
                return result.outcome == .queued || result.outcome == .alreadyQueued
            case (.listClusters, .listClusters(let page)): return !page.listing.clusters.isEmpty
            case (.forceClustering, .forceClustering): return true
            default: return false
            }
        }

        /// What kind of reply a request must get, for a raw frame (which must be a reply).
        private static func answers(_ request: RPCRequest, with body: RPCMessage) -> Bool {
            guard case .reply(let reply) = body else { return false }
            return answers(request, with: reply)
        }

        /// A server with a finished run, so ListClusters has something to list.
        private static func withClusteredServer(_ body: (ServerProcess, Corpus) async throws -> Void) async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let corpus = Corpus(conversationsPerTopic: 1, messagesPerConversation: 2)
            try corpus.insert(into: store)
            try await ServerProcess.with(store: configuration) { server in
                let client = try await server.connect()
                try await waitUntil("a successful run", timeout: .seconds(30)) {
                    try await client.status().latestClusteringRun != nil
                }
                await client.close()
                try await body(server, corpus)
            }
        }

        @Test("200 frames with shuffled call ids on one raw connection: each id answered once, with the right kind")
        func pipelinedRawFrames() async throws {
            try await Self.withClusteredServer { server, corpus in
                var generator = SystemRandomNumberGenerator()
                var ids = Set<UInt64>()
                while ids.count < 200 { ids.insert(UInt64.random(in: 1...UInt64(1) << 48, using: &generator)) }
                var requests: [UInt64: RPCRequest] = [:]
                var bytes: [UInt8] = []
                let sendOrder = ids.shuffled()
                for (index, id) in sendOrder.enumerated() {
                    let body: RPCRequest
                    switch index % 3 {
                    case 0: body = .getStatus
                    case 1:
                        body = .triggerAnalysis(
                            messageID: corpus.messageIDs[index % corpus.messageIDs.count],
                            conversationID: ""
                        )
                    default: body = .listClusters(runID: "")
                    }
                    requests[id] = body
                    bytes += RawConnection.framed(RPCFrame(callID: id, request: body))
                }
                let connection = try RawConnection(port: server.port)
                try await connection.send(bytes)
                let replies = try await connection.readFrames(requests.count, timeout: .seconds(30))
                #expect(replies.count == requests.count)
                var seen = Set<UInt64>()
                for reply in replies {
                    #expect(seen.insert(reply.callID).inserted, "call id \(reply.callID) answered twice")
                    guard let request = requests[reply.callID] else {
                        Issue.record("reply with unknown call id \(reply.callID): \(reply.body)")
                        continue
                    }
                    #expect(Self.answers(request, with: reply.body), "\(request) answered with \(reply.body)")
                }
                #expect(seen == Set(requests.keys))
                // Out-of-order replies are allowed; report whether they happened.
                print("pipelined: \(replies.count) replies; in send order: \(replies.map(\.callID) == sendOrder)")
                connection.close()
            }
        }

        @Test("300 concurrent calls through one ClusterdClient all get their own replies")
        func concurrentCallsOnOneClient() async throws {
            try await Self.withClusteredServer { server, corpus in
                let client = try await server.connect()
                let ids = corpus.messageIDs
                let mismatches = try await withThrowingTaskGroup(of: String?.self) { group in
                    for index in 0..<300 {
                        group.addTask {
                            let request: RPCRequest =
                                switch index % 3 {
                                case 0: .getStatus
                                case 1: .triggerAnalysis(messageID: ids[index % ids.count], conversationID: "")
                                default: .listClusters(runID: "")
                                }
                            let reply = try await client.call(request, timeout: .seconds(20))
                            return Self.answers(request, with: reply) ? nil : "\(request) → \(reply)"
                        }
                    }
                    var mismatches: [String] = []
                    for try await mismatch in group { if let mismatch { mismatches.append(mismatch) } }
                    return mismatches
                }
                #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
                #expect(try await client.status().version.isEmpty == false)
                await client.close()
            }
        }
    }
}
