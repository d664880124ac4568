import ClusterdLLM
import Foundation
import Testing

// Serialized: each case blocks its thread (a Python fake server's start-up, curl), and run in parallel they held
// every thread of the 2-core machine's cooperative pool for ~30 s, starving the timing-sensitive async tests.
@Suite("CurlHTTPClient against a fake server on loopback", .serialized)
struct CurlHTTPClientTests {
    @Test("POST round-trip carries the method, a header and the body")
    func postRoundTrip() throws {
        try FakeHTTPServer.with { server in
            let client = try CurlHTTPClient(configuration: HTTPClientConfiguration(userAgent: "clusterd-test"))
            let body = Data(#"{"hello":"wörld"}"#.utf8)
            let response = try client.send(
                HTTPRequest(
                    method: "POST",
                    url: server.url("/ok"),
                    headers: [("X-Echo", "abc 123"), ("Content-Type", "application/json")],
                    body: body
                )
            )
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/json")
            #expect(response.header("X-Server") == "fake")
            let echo = try JSONSerialization.jsonObject(with: response.body) as? [String: String]
            #expect(echo?["method"] == "POST")
            #expect(echo?["body"] == #"{"hello":"wörld"}"#)
            #expect(echo?["x-echo"] == "abc 123")
            #expect(echo?["user-agent"] == "clusterd-test")
        }
    }

    @Test("A POST without a body sends an empty one")
    func postWithoutBody() throws {
        try FakeHTTPServer.with { server in
            let response = try CurlHTTPClient().send(HTTPRequest(method: "POST", url: server.url("/ok")))
            let echo = try JSONSerialization.jsonObject(with: response.body) as? [String: Any]
            #expect(response.status == 200)
            #expect(echo?["method"] as? String == "POST")
            #expect(echo?["body"] as? String == "")
        }
    }

    @Test("Error statuses come back as responses, with their headers")
    func statusesAndHeaders() throws {
        try FakeHTTPServer.with { server in
            let client = try CurlHTTPClient()
            let limited = try client.send(HTTPRequest(url: server.url("/status/429")))
            #expect(limited.status == 429)
            #expect(limited.headers["retry-after"] == "1")
            for status in [400, 401, 500, 503, 529] {
                let response = try client.send(HTTPRequest(method: "PUT", url: server.url("/status/\(status)")))
                #expect(response.status == status)
                #expect(response.headers["retry-after"] == nil)
            }
        }
    }

    @Test("The total timeout fires as a retriable .timeout")
    func totalTimeout() throws {
        try FakeHTTPServer.with { server in
            let client = try CurlHTTPClient(configuration: HTTPClientConfiguration(totalTimeoutMilliseconds: 500))
            let clock = ContinuousClock()
            let start = clock.now
            let error = #expect(throws: HTTPError.self) {
                try client.send(HTTPRequest(url: server.url("/slow")))
            }
            #expect(clock.now - start < .seconds(2))
            #expect(error?.code == .timeout)
            #expect(error?.isRetriable == true)
        }
    }

    @Test("A refused connection is a retriable .connectFailed")
    func connectionRefused() throws {
        let port = try Self.closedPort()
        let error = #expect(throws: HTTPError.self) {
            try CurlHTTPClient().send(HTTPRequest(url: "http://127.0.0.1:\(port)/ok"))
        }
        #expect(error?.code == .connectFailed)
        #expect(error?.isRetriable == true)
    }

    @Test("A body over the limit is aborted as .tooLarge", arguments: ["/big", "/big-unsized"])
    func oversizedResponse(path: String) throws {
        try FakeHTTPServer.with { server in
            let client = try CurlHTTPClient(configuration: HTTPClientConfiguration(maxResponseBytes: 1024 * 1024))
            let error = #expect(throws: HTTPError.self) {
                try client.send(HTTPRequest(url: server.url(path)))
            }
            #expect(error?.code == .tooLarge)
            #expect(error?.isRetriable == false)
        }
    }

    @Test(
        "Plain http to a host that is not loopback is refused before any I/O",
        arguments: [
            "http://example.com/v1/messages", "http://10.0.0.1/", "http://128.0.0.1/", "http://[::2]/",
            "http://localhost.example.com/", "ftp://127.0.0.1/", "127.0.0.1/ok", "not a url",
        ]
    )
    func cleartextRefused(url: String) throws {
        let error = #expect(throws: HTTPError.self) {
            try CurlHTTPClient().send(HTTPRequest(url: url, headers: [("x-api-key", "secret")]))
        }
        #expect(error?.code == .invalidURL)
        #expect(error?.isRetriable == false)
        #expect(error?.description.contains("secret") == false)
    }

    @Test("Loopback hosts may use plain http", arguments: ["127.0.0.1", "localhost", "[::1]", "127.9.8.7"])
    func loopbackAllowed(host: String) throws {
        // A closed port: reaching the connect stage proves the URL was accepted.
        let port = try Self.closedPort()
        let error = #expect(throws: HTTPError.self) {
            try CurlHTTPClient().send(HTTPRequest(url: "http://\(host):\(port)/"))
        }
        #expect(error?.code == .connectFailed)
    }

    @Test("Header injection and bad methods are refused")
    func invalidRequests() throws {
        let client = try CurlHTTPClient()
        for value in ["b\r\nX-Evil: 1", "b\nX-Evil: 1", "b\r", "b\0"] {
            let injected = #expect(throws: HTTPError.self) {
                try client.send(HTTPRequest(url: "https://127.0.0.1:1/", headers: [("X-A", value)]))
            }
            #expect(injected?.code == .invalidRequest)
        }
        let badName = #expect(throws: HTTPError.self) {
            try client.send(HTTPRequest(url: "https://127.0.0.1:1/", headers: [("X A:", "b")]))
        }
        #expect(badName?.code == .invalidRequest)
        let method = #expect(throws: HTTPError.self) {
            try client.send(HTTPRequest(method: "GET /x", url: "https://127.0.0.1:1/"))
        }
        #expect(method?.code == .invalidRequest)
        #expect(throws: HTTPError.self) {
            try CurlHTTPClient(configuration: HTTPClientConfiguration(totalTimeoutMilliseconds: 0))
        }
    }

    /// A loopback port nothing listens on: bound, then closed, by a socket of our own.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FakeServerError(message: "socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else { throw FakeServerError(message: "bind failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
