import ClusterdCore
import ClusterdService
import Foundation
import NIOHTTP1
import Testing

@testable import ClusterdHTTP

/// The curation endpoints without sockets: the path and body validated on the event loop (nothing reaches the
/// service when they are refused), the change carried out off it, logged under "token (http)" or "local (http)".
@Suite struct GatewayRouterCurationTests {
    let backend = FakeBackend()

    func router(token: String? = nil) -> GatewayRouter {
        GatewayRouter(backend: backend, token: token, openAPI: Array("{}".utf8))
    }

    /// What the route answers, once its off-loop work (if any) has run.
    func answer(
        _ router: GatewayRouter,
        _ method: HTTPMethod,
        _ uri: String,
        body: String = "",
        authorization: String? = nil
    ) throws -> (response: GatewayResponse, offLoop: Bool) {
        switch router.route(method: method, uri: uri, authorization: authorization, body: Array(body.utf8)) {
        case .offLoop(let work): return (work(), true)
        case .response(let response): return (response, false)
        case .metrics:
            Issue.record("\(uri) routed to the metrics")
            throw CancellationError()
        }
    }

    func object(_ response: GatewayResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    /// The first validation error's type and location.
    func validation(_ response: GatewayResponse) throws -> (type: String?, location: [String]?) {
        #expect(response.status == .unprocessableEntity)
        let detail = try #require(try object(response)["detail"] as? [[String: Any]])
        return (detail.first?["type"] as? String, detail.first?["loc"] as? [String])
    }

    @Test func renameCarriesTheNameAndDescriptionOffTheLoopAndAnswersTheLoggedChange() throws {
        let (reply, offLoop) = try answer(
            router(),
            .POST,
            "/api/clustering/topics/c%2D1/rename",
            body: #"{"name": "Money back", "description": "Refunds", "extra": 1}"#
        )
        #expect(offLoop, "a change blocks on MongoDB: it must run off the event loop")
        #expect(reply.status == .ok)
        let body = try object(reply)
        #expect(body["success"] as? Bool == true)
        #expect(body["message"] as? String == "renamed c-1")
        let change = try #require(body["change"] as? [String: Any])
        #expect(change["action"] as? String == "rename")
        #expect(change["stable_id"] as? String == "c-1")
        #expect(change["name"] as? String == "Money back" && change["description"] as? String == "Refunds")
        #expect(change["previous_name"] as? String == "Refunds" && change["into_stable_id"] as? String == "")
        #expect(change["by"] as? String == "local (http)")
        #expect(change["at"] as? String == "2023-11-14T22:13:20Z")
        let seen = backend.curations.withLock { $0 }
        #expect(
            seen.map(\.0) == [
                CurationRequest(action: .rename, stableID: "c-1", name: "Money back", description: "Refunds")
            ]
        )
    }

    @Test func pinUnpinAndMergeReachTheServiceAsThemselvesUnderTheTokensName() throws {
        let router = router(token: "s3cret")
        let bearer = "Bearer s3cret"
        for (path, body) in [("pin", ""), ("unpin", "ignored"), ("merge", #"{"into": "c-2"}"#)] {
            let (reply, _) = try answer(
                router,
                .POST,
                "/api/clustering/topics/c-1/\(path)",
                body: body,
                authorization: bearer
            )
            #expect(reply.status == .ok, "\(path)")
        }
        let seen = backend.curations.withLock { $0 }
        #expect(
            seen.map(\.0) == [
                CurationRequest(action: .pin, stableID: "c-1"), CurationRequest(action: .unpin, stableID: "c-1"),
                CurationRequest(action: .merge, stableID: "c-1", intoStableID: "c-2"),
            ]
        )
        #expect(seen.allSatisfy { $0.1 == "token (http)" })
        // Without the token nothing is changed.
        let (refused, _) = try answer(router, .POST, "/api/clustering/topics/c-1/pin")
        #expect(refused.status == .unauthorized)
        #expect(backend.curations.withLock { $0.count } == 3)
    }

    @Test func badPathsAndBodiesAre422OnTheLoopAndReachNothing() throws {
        let long = String(repeating: "x", count: BackgroundClusteringService.maxCuratedTextLength + 1)
        let cases: [(String, String, String, [String])] = [
            ("/api/clustering/topics//pin", "", "string_too_short", ["path", "stable_id"]),
            ("/api/clustering/topics/\(long)/pin", "", "string_too_long", ["path", "stable_id"]),
            ("/api/clustering/topics/c-1/rename", "", "missing", ["body"]),
            ("/api/clustering/topics/c-1/rename", "{name", "json_invalid", ["body"]),
            ("/api/clustering/topics/c-1/rename", #"["Money"]"#, "model_attributes_type", ["body"]),
            ("/api/clustering/topics/c-1/rename", #"{"description": "d"}"#, "missing", ["body", "name"]),
            ("/api/clustering/topics/c-1/rename", #"{"name": ""}"#, "string_too_short", ["body", "name"]),
            ("/api/clustering/topics/c-1/rename", #"{"name": 7}"#, "string_type", ["body", "name"]),
            ("/api/clustering/topics/c-1/rename", #"{"name": true}"#, "string_type", ["body", "name"]),
            ("/api/clustering/topics/c-1/rename", #"{"name": null}"#, "string_type", ["body", "name"]),
            ("/api/clustering/topics/c-1/rename", #"{"name": "\#(long)"}"#, "string_too_long", ["body", "name"]),
            (
                "/api/clustering/topics/c-1/rename", #"{"name": "n", "description": 1}"#, "string_type",
                ["body", "description"]
            ),
            ("/api/clustering/topics/c-1/merge", "{}", "missing", ["body", "into"]),
            ("/api/clustering/topics/c-1/merge", #"{"into": ""}"#, "string_too_short", ["body", "into"]),
        ]
        for (uri, body, type, location) in cases {
            let (reply, offLoop) = try answer(router(), .POST, uri, body: body)
            #expect(!offLoop, "\(uri) \(body): refused on the loop")
            let found = try validation(reply)
            #expect(found.type == type, "\(uri) \(body)")
            #expect(found.location == location, "\(uri) \(body)")
        }
        #expect(backend.curations.withLock { $0.isEmpty }, "a refused request changes nothing")
        // An absent or null description keeps the run's own (empty in the request).
        let (kept, _) = try answer(
            router(),
            .POST,
            "/api/clustering/topics/c-1/rename",
            body: #"{"name": "n", "description": null}"#
        )
        #expect(kept.status == .ok)
        #expect(backend.curations.withLock { $0.map(\.0.description) } == [""])
    }

    @Test func theServicesRefusalsKeepTheirMeaning() throws {
        backend.refuse.withLock { $0 = ServiceError(.notFound, "no topic with stable id c-9") }
        let (missing, _) = try answer(router(), .POST, "/api/clustering/topics/c-9/pin")
        #expect(missing.status == .notFound)
        #expect(try object(missing)["detail"] as? String == "no topic with stable id c-9")

        backend.refuse.withLock { $0 = ServiceError(.invalidArgument, "cannot merge topic c-1 into itself") }
        let (itself, _) = try answer(router(), .POST, "/api/clustering/topics/c-1/merge", body: #"{"into": "c-1"}"#)
        #expect(try validation(itself).location == ["body", "into"])
        let detail = try #require(try object(itself)["detail"] as? [[String: Any]])
        #expect(detail.first?["msg"] as? String == "cannot merge topic c-1 into itself")

        backend.refuse.withLock { $0 = ServiceError(.storeUnavailable, "MongoDB is unavailable: down") }
        let (down, _) = try answer(router(), .POST, "/api/clustering/topics/c-1/rename", body: #"{"name": "n"}"#)
        #expect(down.status == .serviceUnavailable)
    }

    @Test func unknownActionsAndMethodsAreFastAPIsErrors() throws {
        #expect(try answer(router(), .POST, "/api/clustering/topics/c-1/delete").response.status == .notFound)
        #expect(try answer(router(), .POST, "/api/clustering/topics/c-1/Rename").response.status == .notFound)
        let (get, _) = try answer(router(), .GET, "/api/clustering/topics/c-1/rename")
        #expect(get.status == .methodNotAllowed)
        #expect(get.headers.contains { $0 == ("allow", "POST") })
        #expect(try answer(router(), .POST, "/api/clustering/curation").response.status == .methodNotAllowed)
    }

    @Test func theLogIsReadOffTheLoopWithItsFiltersValidated() throws {
        let (all, offLoop) = try answer(router(), .GET, "/api/clustering/curation")
        #expect(offLoop)
        #expect(all.status == .ok)
        let body = try object(all)
        let topics = try #require(body["topics"] as? [[String: Any]])
        #expect(topics.first?["stable_id"] as? String == "c-base" && topics.first?["name"] as? String == "Money back")
        #expect(topics.first?["merged_into"] is NSNull && topics.first?["description"] is NSNull)
        #expect(topics.first?["updated_by"] as? String == "token (http)")
        let changes = try #require(body["changes"] as? [[String: Any]])
        #expect(changes.first?["action"] as? String == "rename" && changes.first?["by"] as? String == "token (http)")

        _ = try answer(router(), .GET, "/api/clustering/curation?stable_id=c%2D1&limit=1000")
        #expect(backend.curationLogs.withLock { $0.map(\.0) } == [nil, "c-1"])
        #expect(backend.curationLogs.withLock { $0.map(\.1) } == [100, 1000])

        for (query, location) in [
            ("limit=0", ["query", "limit"]), ("limit=1001", ["query", "limit"]), ("limit=ten", ["query", "limit"]),
            ("stable_id=", ["query", "stable_id"]),
        ] {
            let (reply, offLoop) = try answer(router(), .GET, "/api/clustering/curation?\(query)")
            #expect(!offLoop, "\(query)")
            #expect(try validation(reply).location == location, "\(query)")
        }
        #expect(backend.curationLogs.withLock { $0.count } == 2)
        #expect(try answer(router(token: "t"), .GET, "/api/clustering/curation").response.status == .unauthorized)
    }
}
