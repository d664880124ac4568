import ClusterdCore
import ClusterdService
import ClusterdTestSupport
import Foundation
import Logging
import NIOCore
import Testing

@testable import ClusterdHTTP

/// The gateway through a real loopback socket, in front of a fake backend: keep-alive, pipelining, HEAD, the size
/// caps, the connection limit and the idle timeout.
@Suite(.timeLimit(.minutes(2)))
struct HTTPGatewayTests {
    /// Starts a gateway on port 0, runs `body`, stops it.
    func withGateway(
        _ configuration: HTTPGatewayConfiguration = HTTPGatewayConfiguration(port: 0),
        backend: FakeBackend = FakeBackend(),
        _ body: (Int, FakeBackend) async throws -> Void
    ) async throws {
        var configuration = configuration
        configuration.port = 0
        let gateway = HTTPGateway(configuration: configuration, backend: backend, logger: Logger(label: "test"))
        try await withRunningService(gateway, listeningPort: gateway.listeningPort) { port in
            try await body(port, backend)
        }
    }

    @Test func everyEndpointOverOneKeepAliveConnection() async throws {
        try await withGateway { port, backend in
            let client = try HTTPTestClient(port: port)
            defer { client.close() }
            let status = try await client.send("GET", "/api/clustering/background-status")
            #expect(status.status == 200)
            #expect(status.text == backend.status().jsonString())
            let force = try await client.send("POST", "/api/clustering/background-force")
            #expect(force.status == 200)
            #expect(force.json?["started"] as? Bool == true)
            let trigger = try await client.send("POST", "/api/messages/abc123/trigger-analysis")
            #expect(trigger.status == 200)
            #expect(trigger.json?["outcome"] as? String == "queued")
            #expect(try await client.send("GET", "/livez").json?["status"] as? String == "alive")
            #expect(try await client.send("GET", "/readyz").json?["status"] as? String == "ready")
            let metrics = try await client.send("GET", "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.text == "clusterd_store_up 1\n")
            #expect(metrics.header("content-type") == "text/plain; version=0.0.4; charset=utf-8")
            let forget = try await client.send("POST", "/api/conversations/c%201/forget")
            #expect(forget.status == 200)
            #expect(forget.json?["conversation_id"] as? String == "c 1")
            #expect(forget.json?["assignments_erased"] as? Int == 2)
            let forgetMessage = try await client.send("POST", "/api/messages/m1/forget")
            #expect(forgetMessage.json?["analyses_erased"] as? Int == 1)
            #expect(backend.forgotten.withLock { $0 } == ["conversation c 1", "message m1"])
            let placement = try await client.send("GET", "/api/conversations/c%201/cluster")
            #expect(placement.status == 200)
            #expect(placement.json?["conversation_id"] as? String == "c 1")
            #expect((placement.json?["path"] as? [[String: Any]])?.count == 2)
            let document = try await client.send("GET", "/openapi.json")
            #expect(document.json?["openapi"] as? String == "3.1.0")
            let missing = try await client.send("GET", "/nope")
            #expect(missing.status == 404)
            #expect(missing.json?["detail"] as? String == "Not Found")
            // Still the same connection: nothing above closed it.
            #expect(try await client.send("GET", "/livez").status == 200)
            #expect(backend.triggered.withLock { $0 } == ["abc123"])
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withGateway { port, _ in
            let client = try HTTPTestClient(port: port)
            defer { client.close() }
            let paths = ["/livez", "/metrics", "/nope", "/readyz", "/metrics", "/livez"]
            try await client.write(paths.flatMap { HTTPTestClient.request("GET", $0) })
            var statuses: [Int] = []
            var bodies: [String] = []
            for _ in paths {
                let response = try await client.readResponse()
                statuses.append(response.status)
                bodies.append(response.text)
            }
            #expect(statuses == [200, 200, 404, 200, 200, 200])
            #expect(bodies[1] == "clusterd_store_up 1\n" && bodies[4] == "clusterd_store_up 1\n")
            #expect(bodies[0].contains("alive") && bodies[3].contains("ready"))
        }
    }

    @Test func connectionCloseAndHTTP10() async throws {
        try await withGateway { port, _ in
            let closing = try HTTPTestClient(port: port)
            defer { closing.close() }
            let response = try await closing.send("GET", "/livez", headers: [("connection", "close")])
            #expect(response.status == 200)
            #expect(response.header("connection") == "close")
            #expect(try await closing.closedByPeer())

            let old = try HTTPTestClient(port: port)
            defer { old.close() }
            let first = try await old.sendRaw(
                HTTPTestClient.request("GET", "/livez", headers: [("connection", "keep-alive")], version: "HTTP/1.0")
            )
            #expect(first.status == 200)
            #expect(first.header("connection") == "keep-alive")
            #expect(try await old.sendRaw(HTTPTestClient.request("GET", "/livez", version: "HTTP/1.0")).status == 200)
            #expect(try await old.closedByPeer())
        }
    }

    @Test func headHasHeadersButNoBody() async throws {
        try await withGateway { port, _ in
            let client = try HTTPTestClient(port: port)
            defer { client.close() }
            let head = try await client.sendRaw(HTTPTestClient.request("HEAD", "/livez"), head: true)
            #expect(head.status == 200)
            #expect(head.header("content-length") == "18")
            // The next response starts right after the head: no body bytes were sent.
            #expect(try await client.send("GET", "/livez").text == #"{"status":"alive"}"#)
        }
    }

    @Test func bodiesAboveTheCapGet413AndAClose() async throws {
        try await withGateway(HTTPGatewayConfiguration(port: 0, maxBodyBytes: 1000)) { port, backend in
            let declared = try HTTPTestClient(port: port)
            defer { declared.close() }
            let refused = try await declared.send(
                "POST",
                "/api/messages/m1/trigger-analysis",
                body: [UInt8](repeating: 65, count: 1001)
            )
            #expect(refused.status == 413)
            #expect(refused.json?["detail"] as? String == "Request body is larger than 1000 bytes")
            #expect(try await declared.closedByPeer())

            let chunked = try HTTPTestClient(port: port)
            defer { chunked.close() }
            let head =
                "POST /api/messages/m2/trigger-analysis HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
            let chunk = "400\r\n" + String(repeating: "B", count: 1024) + "\r\n"
            let response = try await chunked.sendRaw(Array((head + chunk + chunk + "0\r\n\r\n").utf8))
            #expect(response.status == 413)
            #expect(try await chunked.closedByPeer())

            let within = try await HTTPTestClient.fetch(
                port: port,
                "POST",
                "/api/messages/m3/trigger-analysis",
                body: [UInt8](repeating: 65, count: 1000)
            )
            #expect(within.status == 200)
            #expect(backend.triggered.withLock { $0 } == ["m3"])
        }
    }

    @Test func oversizedHeadIsABadRequest() async throws {
        try await withGateway(HTTPGatewayConfiguration(port: 0, maxHeaderBytes: 2048)) { port, _ in
            let client = try HTTPTestClient(port: port)
            defer { client.close() }
            let response = try await client.send(
                "GET",
                "/livez",
                headers: [("x-padding", String(repeating: "p", count: 4096))]
            )
            #expect(response.status == 400)
            #expect(try await client.closedByPeer())
        }
    }

    @Test func malformedRequestIsABadRequest() async throws {
        try await withGateway { port, _ in
            let client = try HTTPTestClient(port: port)
            defer { client.close() }
            let response = try await client.sendRaw(Array("NOT HTTP AT ALL\r\n\r\n".utf8))
            #expect(response.status == 400)
            #expect(try await client.closedByPeer())
        }
    }

    @Test func connectionsBeyondTheLimitGet503() async throws {
        let configuration = HTTPGatewayConfiguration(port: 0, maxConnections: 2, probeConnections: 1)
        try await withGateway(configuration) { port, _ in
            let first = try HTTPTestClient(port: port)
            let second = try HTTPTestClient(port: port)
            // The third takes the one probe place (served the probes only) and sends nothing; the fourth connects
            // at once, before the probe place's 2 s deadline can free it, even on a loaded machine.
            let third = try HTTPTestClient(port: port)
            let fourth = try HTTPTestClient(port: port)
            defer {
                first.close()
                second.close()
                third.close()
                fourth.close()
            }
            let refused = try await fourth.readResponse()
            #expect(refused.status == 503)
            #expect(refused.json?["detail"] as? String == "too many connections")
            #expect(try await first.send("GET", "/livez").status == 200)
            #expect(try await second.send("GET", "/livez").status == 200)
            first.close()
            try await waitUntil("a slot to free up", timeout: .seconds(5)) {
                (try? await HTTPTestClient.fetch(port: port, "GET", "/api/clustering/background-status").status)
                    == 200
            }
        }
    }

    @Test func idleConnectionsAreClosed() async throws {
        try await withGateway(HTTPGatewayConfiguration(port: 0, idleTimeout: .milliseconds(300))) { port, _ in
            let client = try HTTPTestClient(port: port)
            defer { client.close() }
            #expect(try await client.send("GET", "/livez").status == 200)
            #expect(try await client.closedByPeer(within: .seconds(5)))
        }
    }

    @Test func metricsAreRenderedOffTheEventLoopAndCanBeOff() async throws {
        let backend = FakeBackend()
        backend.metrics.withLock { $0 = nil }
        try await withGateway(backend: backend) { port, _ in
            let response = try await HTTPTestClient.fetch(port: port, "GET", "/metrics")
            #expect(response.status == 404)
            #expect(response.json?["detail"] as? String == "metrics are switched off (CLUSTERD_METRICS=off)")
        }
    }

    @Test func aCurationBodyArrivesWholeOverTheSocket() async throws {
        try await withGateway { port, backend in
            let client = try HTTPTestClient(port: port)
            defer { client.close() }
            let name = String(repeating: "é", count: 500)
            let rename = try await client.send(
                "POST",
                "/api/clustering/topics/c-1/rename",
                headers: [("content-type", "application/json")],
                body: Array(#"{"name": "\#(name)"}"#.utf8)
            )
            #expect(rename.status == 200, "\(rename.text)")
            #expect((rename.json?["change"] as? [String: Any])?["name"] as? String == name)
            let merge = try await client.send(
                "POST",
                "/api/clustering/topics/c-2/merge",
                body: Array(#"{"into": "c-1"}"#.utf8)
            )
            #expect(merge.status == 200)
            let refused = try await client.send("POST", "/api/clustering/topics/c-2/merge", body: Array("{}".utf8))
            #expect(refused.status == 422)
            // The connection carries on after each: bodies are consumed whole.
            let log = try await client.send("GET", "/api/clustering/curation?limit=5")
            #expect(log.status == 200)
            #expect((log.json?["changes"] as? [Any])?.count == 1)
            let seen = backend.curations.withLock { $0.map(\.0) }
            #expect(seen.map(\.action) == [.rename, .merge])
            #expect(seen.last?.intoStableID == "c-1")
        }
    }

    @Test func theOpenAPIDocumentDescribesExactlyTheEndpoints() throws {
        let open = OpenAPIDocument.document(serverVersion: "1.2.3", requiresToken: false)
        let paths = try #require(open["paths"] as? [String: [String: Any]])
        #expect(
            Set(paths.keys) == [
                "/api/clustering/background-status", "/api/clustering/background-force",
                "/api/messages/{message_id}/trigger-analysis", "/openapi.json", "/livez", "/readyz", "/metrics",
                "/api/messages/{message_id}/forget", "/api/conversations/{conversation_id}/forget",
                "/api/conversations/{conversation_id}/cluster", "/report",
                "/api/clustering/topics/{stable_id}/rename", "/api/clustering/topics/{stable_id}/pin",
                "/api/clustering/topics/{stable_id}/unpin", "/api/clustering/topics/{stable_id}/merge",
                "/api/clustering/curation",
            ]
        )
        for action in CurationAction.allCases {
            let operation = paths["/api/clustering/topics/{stable_id}/\(action.rawValue)"]?["post"] as? [String: Any]
            #expect(operation?["operationId"] as? String == "\(action.rawValue)Topic")
            let responses = operation?["responses"] as? [String: Any]
            #expect(Set(responses?.keys.map { $0 } ?? []) == ["200", "403", "404", "422", "503"], "\(action)")
            let hasBody = operation?["requestBody"] != nil
            #expect(hasBody == (action == .rename || action == .merge), "\(action)")
        }
        #expect(paths["/api/clustering/curation"]?.keys.sorted() == ["get"])
        #expect(paths["/api/clustering/background-status"]?.keys.sorted() == ["get"])
        #expect(paths["/api/clustering/background-force"]?.keys.sorted() == ["post"])
        #expect(paths["/api/messages/{message_id}/trigger-analysis"]?.keys.sorted() == ["post"])
        #expect(paths["/api/messages/{message_id}/forget"]?.keys.sorted() == ["post"])
        #expect(paths["/api/conversations/{conversation_id}/forget"]?.keys.sorted() == ["post"])
        #expect(paths["/api/conversations/{conversation_id}/cluster"]?.keys.sorted() == ["get"])
        #expect((open["components"] as? [String: Any])?["securitySchemes"] == nil)
        let secured = OpenAPIDocument.document(serverVersion: "1.2.3", requiresToken: true)
        let securedPaths = try #require(secured["paths"] as? [String: [String: [String: Any]]])
        #expect(securedPaths["/metrics"]?["get"]?["security"] != nil)
        #expect(securedPaths["/livez"]?["get"]?["security"] == nil)
        let responses = securedPaths["/api/clustering/background-force"]?["post"]?["responses"] as? [String: Any]
        #expect(responses?["401"] != nil)
        #expect(responses?["403"] != nil, "a foreign Host or Origin")
        #expect((securedPaths["/livez"]?["get"]?["responses"] as? [String: Any])?["403"] == nil)
    }
}
