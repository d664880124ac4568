import ClusterdCore
import ClusterdRPC
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd {
    /// What a peer can drive on the RPC port stays bounded: silent connections, frames beyond the in-flight limit,
    /// a full read queue, a batch over the item limit, long list replies, and a server that holds reads back.
    @Suite("RPC bounds")
    struct RPCBounds {
        /// The error code of an Error frame, else nil.
        private static func code(_ frame: RPCFrame?) -> RPCStatusCode? {
            guard case .reply(.error(let error)) = frame?.body else { return nil }
            return error.code
        }

        private static func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }

        /// A server whose MongoDB has stopped: every store read waits out the server selection (2 s), then fails.
        private static func withStoreOutage(
            environment: [String: String],
            _ body: (ServerProcess) async throws -> Void
        ) async throws {
            let mongo = try MongoInstance(inMemory: true)
            try await mongo.start()
            let configuration = StoreConfiguration(uri: mongo.uri, database: "bounds")
            let server = try await ServerProcess.start(store: configuration, environment: environment)
            await mongo.stop()
            do {
                try await body(server)
            } catch {
                await server.terminate()
                throw error
            }
            await server.terminate()
        }

        @Test("a connection that never sends Hello is closed by the Hello deadline (5 s), freeing its slot")
        func silentConnection() async throws {
            let environment = ["CLUSTERD_MAX_CONNECTIONS": "4", "CLUSTERD_TOKEN": String(repeating: "t", count: 32)]
            try await ServerProcess.with(store: try EmbeddedMongo.configuration(), environment: environment) { server in
                let started = ContinuousClock.now
                let silent = try (0..<4).map { _ in try RawConnection(port: server.port) }
                // Four silent sockets fill the port.
                let refused = try RawConnection(port: server.port)
                #expect(Self.code(try await refused.readFrame(timeout: .seconds(5))) == .resourceExhausted)
                refused.close()
                #expect(try await silent[0].closedByPeer(within: .seconds(15)))
                let elapsed = ContinuousClock.now - started
                print(String(format: "a silent connection was closed %.2f s after connecting", Self.seconds(elapsed)))
                #expect(elapsed > .seconds(4) && elapsed < .seconds(8), "closed after \(elapsed)")
                for raw in silent.dropFirst() { #expect(try await raw.closedByPeer(within: .seconds(2))) }
                for raw in silent { raw.close() }
                // The slots are free again.
                let client = try await server.connect(token: String(repeating: "t", count: 32))
                _ = try await client.status()
                await client.close()
            }
        }

        @Test(
            "store outage: the in-flight limit holds per frame, a full read queue answers RESOURCE_EXHAUSTED, a closed connection's queued reads are dropped, batch triggers are served at once"
        )
        func storeOutage() async throws {
            let environment = [
                "CLUSTERD_MAX_IN_FLIGHT": "2", "CLUSTERD_RPC_READ_QUEUE": "4",
                "CLUSTERD_HTTP_LISTEN": "127.0.0.1:0",
            ]
            try await Self.withStoreOutage(environment: environment) { server in
                // Six ListRuns in one write: at most two are in flight at a time, so the queue of four never fills.
                let burst = try RawConnection(port: server.port)
                try await burst.send(
                    (1...6).flatMap { RawConnection.framed(RPCFrame(callID: UInt64($0), request: .listRuns(limit: 1))) }
                )
                let replies = try await burst.readFrames(6, timeout: .seconds(40))
                #expect(replies.count == 6)
                #expect(replies.map { Self.code($0) }.allSatisfy { $0 == .unavailable }, "\(replies.map(\.body))")
                burst.close()

                // Two connections fill the queue (two reads running, two waiting); a fifth read is refused at once.
                let first = try RawConnection(port: server.port)
                try await first.send(
                    (1...2).flatMap { RawConnection.framed(RPCFrame(callID: UInt64($0), request: .listRuns(limit: 1))) }
                )
                try await Task.sleep(for: .milliseconds(300))
                let second = try RawConnection(port: server.port)
                try await second.send(
                    (1...2).flatMap { RawConnection.framed(RPCFrame(callID: UInt64($0), request: .listRuns(limit: 1))) }
                )
                try await Task.sleep(for: .milliseconds(300))
                let third = try RawConnection(port: server.port)
                let asked = ContinuousClock.now
                try await third.send(RPCFrame(callID: 9, request: .listRuns(limit: 1)))
                let full = try await third.readFrame(timeout: .seconds(5))
                #expect(Self.code(full) == .resourceExhausted, "\(String(describing: full?.body))")
                #expect(ContinuousClock.now - asked < .seconds(1))

                // Batch triggers have their own lane: answered while the reads wait on MongoDB.
                let client = try await server.connect()
                let batchStart = ContinuousClock.now
                let batch = try await client.triggerAnalysisBatch([TriggerItem(messageID: "65a1b2c3d4e5f6a7b8c9d0e1")])
                let batchTime = ContinuousClock.now - batchStart
                print(String(format: "a batch trigger during the outage took %.3f s", Self.seconds(batchTime)))
                #expect(batch.results.count == 1)
                #expect(batchTime < .seconds(1), "the batch waited \(batchTime)")

                // The second connection goes while its reads wait: they are dropped, not run.
                second.close()
                let replies1 = try await first.readFrames(2, timeout: .seconds(10))
                #expect(replies1.map { Self.code($0) } == [.unavailable, .unavailable])
                let http = try HTTPTestClient(port: try #require(server.httpPort))
                try await waitUntil("the dropped reads counted", timeout: .seconds(10)) {
                    let metrics = PrometheusText.parse(try await http.send("GET", "/metrics").text)
                    return metrics["clusterd_rpc_dropped_calls_total{queue=\"clusterd.rpc-reads\"}"] == 2
                }
                http.close()
                first.close()
                third.close()
                await client.close()
            }
        }

        @Test("the frame deadline is paused while the server holds reads back (in-flight limit reached)")
        func pausedFrameDeadline() async throws {
            let environment = ["CLUSTERD_MAX_IN_FLIGHT": "2", "CLUSTERD_FRAME_DEADLINE_SECONDS": "1"]
            try await Self.withStoreOutage(environment: environment) { server in
                let raw = try RawConnection(port: server.port)
                let frames = (1...3).map {
                    RawConnection.framed(RPCFrame(callID: UInt64($0), request: .listRuns(limit: 1)))
                }
                // Two reads reach the limit (each waits ~2 s on MongoDB); half of a third frame is in the same write.
                let half = frames[2].count / 2
                try await raw.send(frames[0] + frames[1] + frames[2].prefix(half))
                try await Task.sleep(for: .milliseconds(200))
                // The rest arrives at once, but the server does not read it until a call completes (> 1 s later).
                try await raw.send(Array(frames[2].dropFirst(half)))
                let replies = try await raw.readFrames(3, timeout: .seconds(20))
                #expect(
                    replies.map(\.callID).sorted() == [1, 2, 3],
                    "the connection was closed after \(replies.count) replies"
                )
                #expect(replies.map { Self.code($0) }.allSatisfy { $0 == .unavailable })
                raw.close()
            }
        }

        @Test("a batch of more than 10,000 items is refused before its items are decoded")
        func oversizedBatch() async throws {
            try await ServerProcess.with(store: try EmbeddedMongo.configuration()) { server in
                // A frame of just under 1 MiB of empty items: ~524,000 of them.
                let count = (1 << 20 - 16) / 2
                var items = [UInt8]()
                items.reserveCapacity(count * 2)
                for _ in 0..<count { items += [0x0a, 0x00] }
                var body: [UInt8] = [0x08, 0x07, 0xba, 0x01]
                var length = UInt64(items.count)
                while length >= 0x80 {
                    body.append(UInt8(truncatingIfNeeded: length) | 0x80)
                    length >>= 7
                }
                body.append(UInt8(length))
                body += items
                let raw = try RawConnection(port: server.port)
                let started = ContinuousClock.now
                try await raw.send(RawConnection.framed(body))
                let reply = try await raw.readFrame(timeout: .seconds(10))
                let elapsed = ContinuousClock.now - started
                print(String(format: "a batch of %d empty items refused in %.3f s", count, Self.seconds(elapsed)))
                guard case .reply(.error(let error)) = reply?.body else {
                    Issue.record("expected an Error frame, got \(String(describing: reply))")
                    return
                }
                #expect(reply?.callID == 7)
                #expect(error.code == .invalidArgument)
                #expect(error.message.contains("\(count) items") && error.message.contains("before decoding"))
                // The connection stays usable.
                try await raw.send(RPCFrame(callID: 8, request: .getStatus))
                #expect(try await raw.readFrame(timeout: .seconds(10))?.callID == 8)
                raw.close()
            }
        }

        @Test("list replies are paged: the Swift client and clusterctl gather two or more pages of runs and clusters")
        func paging() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            let server = try await ServerProcess.start(
                store: configuration,
                environment: ["CLUSTERD_LIST_PAGE_SIZE": "1"]
            )
            let client = try await server.connect()
            // A skipped run, then a succeeded one with two or more clusters.
            try Corpus(conversationsPerTopic: 1, messagesPerConversation: 2, topicCount: 1).insert(into: store)
            _ = try await client.forceClustering()
            try await waitUntil("the skipped run", timeout: .seconds(30)) {
                try await client.listRuns().first?.status == "skipped"
            }
            try Corpus(conversationsPerTopic: 2, messagesPerConversation: 2).insert(into: store)
            _ = try await client.forceClustering()
            try await waitUntil("the succeeded run", timeout: .seconds(60)) {
                try await client.listRuns().first?.status == "succeeded"
            }
            // One item per reply, with a token for the next.
            guard case .listRuns(let page) = try await client.call(.listRuns(limit: 0)) else {
                Issue.record("ListRuns did not answer with runs")
                return
            }
            #expect(page.runs.count == 1 && !page.nextPageToken.isEmpty)
            let runs = try await client.listRuns()
            #expect(runs.map(\.status) == ["succeeded", "skipped"])
            let listing = try await client.listClusters()
            #expect(listing.clusters.count >= 2 && listing.run.id == runs[0].id)
            #expect(Set(listing.clusters.map(\.stableID)).count == listing.clusters.count)
            #expect(listing.clusters.reduce(0) { $0 + $1.size } == listing.run.totalConversations)

            let program = try #require(TestBinaries.clusterctl)
            let address = ["--address", server.address]
            let runsJSON = try await ChildProcess.run(program, ["runs", "--json"] + address, timeout: .seconds(30))
            let runArray = try JSONSerialization.jsonObject(with: Data(runsJSON.stdout.utf8)) as? [[String: Any]]
            #expect(runArray?.count == 2, "\(runsJSON.stdout)\(runsJSON.stderr)")
            let clustersJSON = try await ChildProcess.run(
                program,
                ["clusters", "--json"] + address,
                timeout: .seconds(30)
            )
            let object = try JSONSerialization.jsonObject(with: Data(clustersJSON.stdout.utf8)) as? [String: Any]
            #expect((object?["clusters"] as? [Any])?.count == listing.clusters.count, "\(clustersJSON.stdout)")
            await client.close()
            await server.terminate()
        }
    }
}
