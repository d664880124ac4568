import Foundation

/// A minimal HTTP/1.1 client over one loopback TCP connection, for tests: sends hand-written requests (so keep-alive,
/// pipelining, oversized and malformed requests can be exercised) and parses `content-length` responses. Every read
/// has a deadline.
public final class HTTPTestClient: Sendable {
    /// One parsed response.
    public struct Response: Sendable, CustomStringConvertible {
        /// The status code.
        public var status: Int
        /// Header names (lowercased) and values, in order.
        public var headers: [(String, String)]
        /// The body bytes.
        public var body: [UInt8]

        /// The first value of a header (name case-insensitive).
        public func header(_ name: String) -> String? {
            headers.first { $0.0 == name.lowercased() }?.1
        }

        /// The body as UTF-8 text.
        public var text: String { String(decoding: body, as: UTF8.self) }

        /// The body parsed as a JSON object (nil when it is not one).
        public var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        }

        /// `200 {"status":"ready"}`.
        public var description: String { "\(status) \(text.prefix(500))" }
    }

    /// A response that could not be read or parsed.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    private let connection: RawConnection

    /// Connects to `127.0.0.1:port`.
    public init(port: Int) throws {
        connection = try RawConnection(port: port)
    }

    /// Closes the connection.
    public func close() {
        connection.close()
    }

    /// The bytes of a request with `content-length` when there is a body.
    public static func request(
        _ method: String,
        _ path: String,
        headers: [(String, String)] = [],
        body: [UInt8] = [],
        version: String = "HTTP/1.1"
    ) -> [UInt8] {
        var text = "\(method) \(path) \(version)\r\nhost: 127.0.0.1\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { text += "content-length: \(body.count)\r\n" }
        text += "\r\n"
        return Array(text.utf8) + body
    }

    /// Sends one request and reads its response.
    public func send(
        _ method: String,
        _ path: String,
        headers: [(String, String)] = [],
        body: [UInt8] = [],
        timeout: Duration = .seconds(10)
    ) async throws -> Response {
        try await sendRaw(Self.request(method, path, headers: headers, body: body), timeout: timeout)
    }

    /// Sends raw bytes and reads one response (no body is read for a response to HEAD when `head` is true).
    public func sendRaw(_ bytes: [UInt8], head: Bool = false, timeout: Duration = .seconds(10)) async throws
        -> Response
    {
        try await connection.send(bytes)
        return try await readResponse(head: head, timeout: timeout)
    }

    /// Writes raw bytes without reading anything.
    public func write(_ bytes: [UInt8]) async throws {
        try await connection.send(bytes)
    }

    /// Reads one response within `timeout`.
    public func readResponse(head: Bool = false, timeout: Duration = .seconds(10)) async throws -> Response {
        let deadline = ContinuousClock.now + timeout
        let connection = self.connection
        return try await onOwnThread {
            var headText: [UInt8] = []
            while !headText.ends(with: [13, 10, 13, 10]) {
                guard let byte = try connection.readExactlyBlocking(1, deadline: deadline) else {
                    throw Failure(description: "the server closed the connection before a full response head")
                }
                headText += byte
                if headText.count > 64 * 1024 { throw Failure(description: "response head too large") }
            }
            let lines = String(decoding: headText, as: UTF8.self).components(separatedBy: "\r\n")
            let statusParts = lines[0].split(separator: " ")
            guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
                throw Failure(description: "bad status line: \(lines[0])")
            }
            var headers: [(String, String)] = []
            for line in lines.dropFirst() where !line.isEmpty {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers.append(
                    (
                        line[..<colon].lowercased(),
                        line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    )
                )
            }
            let length = headers.first { $0.0 == "content-length" }.flatMap { Int($0.1) } ?? 0
            var body: [UInt8] = []
            if !head && length > 0 {
                guard let bytes = try connection.readExactlyBlocking(length, deadline: deadline) else {
                    throw Failure(description: "the server closed the connection in the middle of a body")
                }
                body = bytes
            }
            return Response(status: status, headers: headers, body: body)
        }
    }

    /// True if the server closes the connection within `timeout`.
    public func closedByPeer(within timeout: Duration = .seconds(5)) async throws -> Bool {
        try await connection.closedByPeer(within: timeout)
    }

    /// One request on a connection of its own.
    public static func fetch(
        port: Int,
        _ method: String,
        _ path: String,
        headers: [(String, String)] = [],
        body: [UInt8] = []
    ) async throws -> Response {
        let client = try HTTPTestClient(port: port)
        defer { client.close() }
        return try await client.send(method, path, headers: headers, body: body)
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
