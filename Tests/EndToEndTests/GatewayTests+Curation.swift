import ClusterdCore
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd.Gateway {
    /// POST with the token and a JSON body.
    static func post(_ server: ServerProcess, _ path: String, json: String) async throws -> HTTPTestClient.Response {
        try await HTTPTestClient.fetch(
            port: try #require(server.httpPort),
            "POST",
            path,
            headers: bearer + [("content-type", "application/json")],
            body: Array(json.utf8)
        )
    }

    @Test("topic curation over HTTP: rename, pin, unpin, merge and the log, stored in MongoDB as by \"token (http)\"")
    func curationOverHTTP() async throws {
        let configuration = try EmbeddedMongo.configuration()
        let store = try MongoStore(configuration: configuration)
        defer { store.close() }
        let corpus = Corpus(conversationsPerTopic: 2, messagesPerConversation: 2)
        try corpus.insert(into: store)
        try await ServerProcess.with(store: configuration, environment: Self.environment) { server in
            // Before any run there is nothing to curate.
            let early = try await Self.post(server, "/api/clustering/topics/c-1/pin", json: "")
            #expect(early.status == 404, "\(early)")
            try await waitUntil("every message analysed", timeout: .seconds(60)) {
                try store.countAnalyses() == corpus.messages.count
            }
            #expect(try await Self.post(server, "/api/clustering/background-force").status == 200)
            try await waitUntil("a forced run to succeed", timeout: .seconds(60)) {
                try store.latestSuccessfulRun() != nil
            }
            let run = try #require(try store.latestSuccessfulRun())
            let base = try store.clusters(runID: run.id).filter { $0.level == 0 && $0.stableID != "other" }
            try #require(base.count >= 2, "two topics to merge")
            let (first, second) = (base[0], base[1])

            let rename = try await Self.post(
                server,
                "/api/clustering/topics/\(first.stableID)/rename",
                json: #"{"name": "Hand named", "description": "Set over HTTP"}"#
            )
            #expect(rename.status == 200, "\(rename.text)")
            let change = try #require(rename.json?["change"] as? [String: Any])
            #expect(change["by"] as? String == "token (http)")
            #expect(change["previous_name"] as? String == first.name)
            let renamed = try #require(try store.cluster(runID: run.id, stableID: first.stableID))
            #expect(renamed.name == "Hand named" && renamed.description == "Set over HTTP", "the latest run at once")

            // Bad input is refused and loses nothing: the rename stands, nothing more is logged.
            let refusals: [(String, String, Int)] = [
                ("/api/clustering/topics/c-nowhere/rename", #"{"name": "x"}"#, 404),
                ("/api/clustering/topics/\(first.stableID)/rename", #"{"name": ""}"#, 422),
                ("/api/clustering/topics/\(first.stableID)/rename", "not json", 422),
                ("/api/clustering/topics/\(first.stableID)/merge", #"{"into": "\#(first.stableID)"}"#, 422),
                ("/api/clustering/topics/\(first.stableID)/merge", #"{"into": "c-nowhere"}"#, 404),
                ("/api/clustering/topics/\(second.stableID)/unpin", "", 422),
            ]
            for (path, json, status) in refusals {
                let refused = try await Self.post(server, path, json: json)
                #expect(refused.status == status, "\(path) \(json): \(refused.text)")
                #expect(refused.json?["detail"] != nil, "\(path): FastAPI's error shape")
            }
            #expect(try store.curationChanges(stableID: nil, limit: 100).count == 1)
            #expect(try store.cluster(runID: run.id, stableID: first.stableID)?.name == "Hand named")

            #expect(
                try await Self.post(server, "/api/clustering/topics/\(second.stableID)/pin", json: "").status == 200
            )
            #expect(
                try await Self.post(server, "/api/clustering/topics/\(second.stableID)/unpin", json: "").status == 200
            )
            let merge = try await Self.post(
                server,
                "/api/clustering/topics/\(second.stableID)/merge",
                json: #"{"into": "\#(first.stableID)"}"#
            )
            #expect(merge.status == 200, "\(merge.text)")

            let log = try await Self.get(server, "/api/clustering/curation")
            #expect(log.status == 200)
            let changes = try #require(log.json?["changes"] as? [[String: Any]])
            #expect(changes.compactMap { $0["action"] as? String } == ["merge", "unpin", "pin", "rename"])
            #expect(changes.allSatisfy { $0["by"] as? String == "token (http)" })
            let topics = try #require(log.json?["topics"] as? [[String: Any]])
            let merged = topics.first { $0["stable_id"] as? String == second.stableID }
            #expect(merged?["merged_into"] as? String == first.stableID)
            let one = try await Self.get(server, "/api/clustering/curation?stable_id=\(second.stableID)&limit=1")
            #expect((one.json?["changes"] as? [[String: Any]])?.first?["action"] as? String == "merge")
            #expect((one.json?["changes"] as? [Any])?.count == 1)
            // What MongoDB holds is what the log showed.
            let stored = try store.curations()
            #expect(stored.first { $0.stableID == second.stableID }?.mergedInto == first.stableID)
            #expect(stored.first { $0.stableID == first.stableID }?.name == "Hand named")
        }
    }
}
