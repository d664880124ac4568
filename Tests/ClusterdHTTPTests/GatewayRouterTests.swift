import ClusterdCore
import ClusterdService
import Foundation
import NIOHTTP1
import Testing

@testable import ClusterdHTTP

/// The router without sockets: routing, the token, validation and FastAPI's error shapes.
@Suite struct GatewayRouterTests {
    let backend = FakeBackend()

    func router(token: String? = nil) -> GatewayRouter {
        GatewayRouter(backend: backend, token: token, openAPI: Array("{}".utf8))
    }

    func response(
        _ router: GatewayRouter,
        _ method: HTTPMethod,
        _ uri: String,
        authorization: String? = nil
    ) throws -> GatewayResponse {
        guard case .response(let response) = router.route(method: method, uri: uri, authorization: authorization)
        else {
            Issue.record("expected a response for \(method) \(uri)")
            throw CancellationError()
        }
        return response
    }

    func object(_ response: GatewayResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    @Test func statusIsTheServiceStatusJSON() throws {
        let reply = try response(router(), .GET, "/api/clustering/background-status")
        #expect(reply.status == .ok)
        #expect(String(decoding: reply.body, as: UTF8.self) == backend.status().jsonString())
        #expect(reply.headers.contains { $0 == ("content-type", "application/json") })
    }

    @Test func unknownPathIsFastAPINotFound() throws {
        let reply = try response(router(), .GET, "/api/nothing")
        #expect(reply.status == .notFound)
        #expect(try object(reply)["detail"] as? String == "Not Found")
    }

    @Test func wrongMethodIs405WithAllow() throws {
        let reply = try response(router(), .DELETE, "/api/clustering/background-force")
        #expect(reply.status == .methodNotAllowed)
        #expect(reply.headers.contains { $0 == ("allow", "POST") })
        #expect(try object(reply)["detail"] as? String == "Method Not Allowed")
    }

    @Test func triggerQueuesThePercentDecodedID() throws {
        let reply = try response(router(), .POST, "/api/messages/a%2Fb%20c/trigger-analysis?x=1")
        #expect(reply.status == .ok)
        let body = try object(reply)
        #expect(body["message_id"] as? String == "a/b c")
        #expect(body["outcome"] as? String == "queued")
        #expect(body["success"] as? Bool == true)
        #expect(backend.triggered.withLock { $0 } == ["a/b c"])
    }

    @Test func emptyAndOverlongIDsAre422WithFastAPIValidationShape() throws {
        for (uri, type) in [
            ("/api/messages//trigger-analysis", "string_too_short"),
            ("/api/messages/\(String(repeating: "é", count: 1025))/trigger-analysis", "string_too_long"),
            ("/api/messages/%FF/trigger-analysis", "string_type"),
        ] {
            let reply = try response(router(), .POST, uri)
            #expect(reply.status == .unprocessableEntity, "\(uri)")
            let detail = try #require(try object(reply)["detail"] as? [[String: Any]])
            #expect(detail.first?["type"] as? String == type)
            #expect(detail.first?["loc"] as? [String] == ["path", "message_id"])
        }
        // 1024 two-byte characters are within the limit (it counts characters, as JSON Schema does).
        let reply = try response(
            router(),
            .POST,
            "/api/messages/\(String(repeating: "é", count: 1024))/trigger-analysis"
        )
        #expect(reply.status == .ok)
    }

    /// What an erasure route (or another `method` route run off the loop) answers, once its off-loop work has run.
    func erasure(_ router: GatewayRouter, _ uri: String, method: HTTPMethod = .POST) throws -> GatewayResponse {
        switch router.route(method: method, uri: uri, authorization: nil) {
        case .offLoop(let work): return work()
        case .response(let response): return response
        case .metrics:
            Issue.record("\(uri) routed to the metrics")
            throw CancellationError()
        }
    }

    @Test func forgetRoutesEraseOffTheLoopAndRefuseBadIDsOnIt() throws {
        let message = try erasure(router(), "/api/messages/a%2Fb/forget")
        #expect(message.status == .ok)
        #expect(try object(message)["message_id"] as? String == "a/b")
        #expect(try object(message)["analyses_erased"] as? Int == 1)
        let conversation = try object(try erasure(router(), "/api/conversations/c1/forget"))
        #expect(conversation["conversation_id"] as? String == "c1")
        #expect(conversation["assignments_erased"] as? Int == 2 && conversation["clusters_scrubbed"] as? Int == 1)
        #expect(backend.forgotten.withLock { $0 } == ["message a/b", "conversation c1"])

        let empty = try response(router(), .POST, "/api/conversations//forget")
        #expect(empty.status == .unprocessableEntity)
        let detail = try #require(try object(empty)["detail"] as? [[String: Any]])
        #expect(detail.first?["loc"] as? [String] == ["path", "conversation_id"])
        #expect(try response(router(), .GET, "/api/messages/m/forget").status == .methodNotAllowed)

        backend.refuse.withLock { $0 = ServiceError(.storeUnavailable, "MongoDB is unavailable: down") }
        let down = try erasure(router(), "/api/messages/m/forget")
        #expect(down.status == .serviceUnavailable)
        #expect(try object(down)["detail"] as? String == "MongoDB is unavailable: down")
    }

    @Test func conversationClusterIsReadOffTheLoopAndRefusesBadIDsOnIt() throws {
        guard case .offLoop = router().route(method: .GET, uri: "/api/conversations/c1/cluster", authorization: nil)
        else {
            Issue.record("the placement is not read off the loop")
            return
        }
        let reply = try erasure(router(), "/api/conversations/c%201/cluster", method: .GET)
        #expect(reply.status == .ok)
        let body = try object(reply)
        #expect(body["conversation_id"] as? String == "c 1")
        #expect(body["run_id"] as? String == "run-1")
        #expect(body["provisional"] as? Bool == true)
        #expect(body["distance"] as? Double == 0.25)
        #expect(body["assigned_at"] as? String == "2023-11-14T22:13:20Z")
        let path = try #require(body["path"] as? [[String: Any]])
        #expect(path.map { $0["stable_id"] as? String } == ["c-base", "c-top"])
        #expect(path.map { $0["level"] as? Int } == [0, 1])
        #expect(path.first?["name"] as? String == "Refunds" && path.first?["size"] as? Int == 12)

        let empty = try response(router(), .GET, "/api/conversations//cluster")
        #expect(empty.status == .unprocessableEntity)
        let detail = try #require(try object(empty)["detail"] as? [[String: Any]])
        #expect(detail.first?["loc"] as? [String] == ["path", "conversation_id"])
        #expect(try response(router(), .POST, "/api/conversations/c1/cluster").status == .methodNotAllowed)
        #expect(try response(router(token: "t"), .GET, "/api/conversations/c1/cluster").status == .unauthorized)

        backend.refuse.withLock { $0 = ServiceError(.notFound, "conversation c1 has no cluster") }
        let missing = try erasure(router(), "/api/conversations/c1/cluster", method: .GET)
        #expect(missing.status == .notFound)
        #expect(try object(missing)["detail"] as? String == "conversation c1 has no cluster")
    }

    @Test func fullQueueIs503WithRetryAfter() throws {
        backend.refuse.withLock { $0 = ServiceError(.queueFull, "analysis queue is full (2 of 2)") }
        let reply = try response(router(), .POST, "/api/messages/m1/trigger-analysis")
        #expect(reply.status == .serviceUnavailable)
        #expect(reply.headers.contains { $0.0 == "retry-after" })
        #expect(try object(reply)["detail"] as? String == "analysis queue is full (2 of 2)")
    }

    @Test func tokenIsRequiredOnTheAPIAndMetricsButNotOnProbes() throws {
        let router = router(token: "s3cret")
        for (method, uri) in [
            (HTTPMethod.GET, "/api/clustering/background-status"), (.POST, "/api/clustering/background-force"),
            (.POST, "/api/messages/m/trigger-analysis"), (.GET, "/metrics"),
        ] {
            let missing = try response(router, method, uri)
            #expect(missing.status == .unauthorized, "\(uri)")
            #expect(missing.headers.contains { $0 == ("www-authenticate", "Bearer") })
            #expect(try object(missing)["detail"] as? String == "Not authenticated")
            let wrong = try response(router, method, uri, authorization: "Bearer s3cre7")
            #expect(wrong.status == .unauthorized)
            #expect(try object(wrong)["detail"] as? String == "Invalid authentication credentials")
            let basic = try response(router, method, uri, authorization: "Basic czNjcmV0")
            #expect(basic.status == .unauthorized)
        }
        #expect(
            try response(router, .GET, "/api/clustering/background-status", authorization: "bearer s3cret").status
                == .ok
        )
        for uri in ["/livez", "/readyz", "/openapi.json"] {
            #expect(try response(router, .GET, uri).status == .ok, "\(uri)")
        }
        guard case .metrics = router.route(method: .GET, uri: "/metrics", authorization: "Bearer s3cret") else {
            Issue.record("metrics with the token should render")
            return
        }
    }

    @Test func readinessFlips() throws {
        #expect(try response(router(), .GET, "/readyz").status == .ok)
        backend.ready.withLock {
            $0 = Readiness(storeReachable: false, acceptingWork: true, problems: ["MongoDB unreachable"])
        }
        let reply = try response(router(), .GET, "/readyz")
        #expect(reply.status == .serviceUnavailable)
        #expect(try object(reply)["detail"] as? String == "not ready: MongoDB unreachable")
        #expect(try response(router(), .GET, "/livez").status == .ok)
    }

    @Test func metricsOffIs404() {
        #expect(GatewayRouter.metricsResponse(nil).status == .notFound)
        let on = GatewayRouter.metricsResponse("a 1\n")
        #expect(on.status == .ok)
        #expect(on.headers.first?.1 == "text/plain; version=0.0.4; charset=utf-8")
    }

    @Test func bearerComparison() {
        let token = BearerToken("abc")
        #expect(token.check("Bearer abc") == .accepted)
        #expect(token.check("BEARER   abc") == .accepted)
        #expect(token.check("Bearer abcd") == .wrong)
        #expect(token.check("Bearer ab") == .wrong)
        #expect(token.check("Bearer ") == .missing)
        #expect(token.check(nil) == .missing)
        #expect(!BearerToken.constantTimeEquals(Array("a".utf8), Array(String(repeating: "a", count: 257).utf8)))
    }
}
