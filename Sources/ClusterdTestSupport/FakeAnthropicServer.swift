import ClusterdLLM
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A fake of the Anthropic Messages API on 127.0.0.1 for tests: a Python child process (standard library only).
///
/// `POST /v1/messages` checks the request as the real API would (the `x-api-key`, `anthropic-version` and
/// `content-type` headers; `model`, `max_tokens`, `messages` ending with a user turn; no sampling parameters) and
/// answers with the next scripted ``Behaviour``, or the default one. ``Behaviour/auto`` recognises clusterd's two
/// prompts: concepts are the message's distinct words of five letters or more (at most five), topic "about <first>",
/// language "en"; the batched concept prompt gets one such item per message of its JSON array (with a summary); a
/// cluster name is "Fake group: <first top concept>". The Message Batches endpoints (create, retrieve, results as
/// JSON lines) answer with the same replies; a system block marked `cache_control` is reported as cache reads from
/// its second use. Optionally a per-minute limit answers 429 with `retry-after` past it. Replies start with an empty thinking block
/// before the text block, as models that think do. Every request is recorded with its arrival time.
/// The child exits when this process dies, and is SIGKILLed when the object is released or ``stop()`` is called.
public final class FakeAnthropicServer: Sendable {
    /// What the fake does with one `/v1/messages` request.
    public enum Behaviour: Sendable {
        /// A valid reply computed from the prompt.
        case auto
        /// A 200 reply whose text block is `text`, with this stop reason.
        case text(String, stopReason: String = "end_turn")
        /// An error status with the API's error body, and a `retry-after` header when given.
        case error(status: Int, type: String, message: String, retryAfter: String? = nil)
        /// Sleeps this long, then answers as `.auto` (past the client's timeout, the client is gone).
        case hang(seconds: Double)
        /// This status and body, verbatim.
        case raw(status: Int, body: String)
    }

    /// One request the fake received.
    public struct RecordedRequest: Sendable {
        /// Seconds since the fake started, when the request arrived.
        public var time: Double
        /// The request path.
        public var path: String
        /// The status answered.
        public var status: Int
        /// Header fields by lower-cased name.
        public var headers: [String: String]
        /// The body as text.
        public var body: String

        /// The body parsed as a JSON object.
        public var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        }

        /// The text of the body's `system` field: the string itself, or its text blocks joined.
        public var systemText: String? {
            if let text = json?["system"] as? String { return text }
            guard let blocks = json?["system"] as? [[String: Any]] else { return nil }
            return blocks.compactMap { $0["text"] as? String }.joined()
        }
    }

    /// A fake that could not be started or controlled.
    public struct FakeError: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    /// The bound port.
    public let port: Int
    /// The key the fake accepts; any other gets 401.
    public let apiKey: String
    private let child: ChildProcess
    private let directory: TemporaryDirectory
    private let http: CurlHTTPClient

    /// Starts a fake that accepts `apiKey`, waiting (at most 10 s) until it listens. With `requestsPerMinute`
    /// above 0, `/v1/messages` requests past that many in a sliding minute (counted on arrival) get 429 with a
    /// `retry-after`, as the real API's rate limit does.
    public init(apiKey: String = "test-key", requestsPerMinute: Int = 0) throws {
        directory = try TemporaryDirectory(prefix: "fake-anthropic")
        let scriptPath = directory.path("fake_anthropic.py")
        let portFile = directory.path("port")
        try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        child = try ChildProcess(
            executable: python ?? "/usr/bin/python3",
            arguments: [scriptPath, "\(getpid())", portFile, apiKey, "\(requestsPerMinute)"],
            environment: ChildProcess.baseEnvironment,
            stderrPath: directory.path("stderr.log")
        )
        self.apiKey = apiKey
        http = try CurlHTTPClient(configuration: HTTPClientConfiguration(totalTimeoutMilliseconds: 5_000))
        let deadline = Date().addingTimeInterval(10)
        var bound: Int?
        while bound == nil {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let value = Int(text) {
                bound = value
            } else if child.poll() != nil || Date() > deadline {
                child.kill(SIGKILL)
                let log = (try? String(contentsOfFile: directory.path("stderr.log"), encoding: .utf8)) ?? ""
                throw FakeError(description: "the fake Anthropic API did not start: \(log)")
            } else {
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        port = bound!
    }

    deinit {
        child.kill(SIGKILL)
    }

    /// `http://127.0.0.1:PORT`: the value for `ANTHROPIC_BASE_URL`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Answers the next requests with `queue`, in order, then every later one with `otherwise`.
    public func script(_ queue: [Behaviour], otherwise: Behaviour = .auto) throws {
        let body: [String: Any] = ["queue": queue.map(Self.object), "default": Self.object(otherwise)]
        try control("/_control/script", body: try JSONSerialization.data(withJSONObject: body))
    }

    /// Turns the Message Batches endpoints on or off (off: 404, as an API without them), sets how many polls a batch
    /// takes to end, and whether request bodies are recorded (off for long benchmarks).
    public func setOptions(batchesEnabled: Bool? = nil, batchPolls: Int? = nil, recordBodies: Bool? = nil) throws {
        var body: [String: Any] = [:]
        if let batchesEnabled { body["batches_enabled"] = batchesEnabled }
        if let batchPolls { body["batch_polls"] = batchPolls }
        if let recordBodies { body["record_bodies"] = recordBodies }
        try control("/_control/options", body: try JSONSerialization.data(withJSONObject: body))
    }

    /// The fake's counters: `messages` (arrived), `accepted`, `rate_limited` (answered 429), `input_tokens`,
    /// `output_tokens`, `cache_read_input_tokens`, `max_in_window` (most accepted in a sliding minute), `batches`
    /// and `batch_requests`.
    public func stats() throws -> [String: Int] {
        let response = try http.send(HTTPRequest(url: baseURL + "/_control/stats"))
        guard response.status == 200,
            let object = try JSONSerialization.jsonObject(with: response.body) as? [String: Int]
        else { throw FakeError(description: "bad /_control/stats reply (status \(response.status))") }
        return object
    }

    /// Forgets the script and the recorded requests.
    public func reset() throws {
        try control("/_control/reset", body: Data("{}".utf8))
    }

    /// The `/v1/messages` (and other non-control) requests received so far, in arrival order.
    public func requests() throws -> [RecordedRequest] {
        let response = try http.send(HTTPRequest(url: baseURL + "/_control/requests"))
        guard response.status == 200,
            let object = try JSONSerialization.jsonObject(with: response.body) as? [String: Any],
            let list = object["requests"] as? [[String: Any]]
        else { throw FakeError(description: "bad /_control/requests reply (status \(response.status))") }
        return list.map { entry in
            RecordedRequest(
                time: entry["time"] as? Double ?? 0,
                path: entry["path"] as? String ?? "",
                status: entry["status"] as? Int ?? 0,
                headers: entry["headers"] as? [String: String] ?? [:],
                body: entry["body"] as? String ?? ""
            )
        }
    }

    /// Kills the fake: later connections are refused (the API "down").
    public func stop() {
        child.kill(SIGKILL)
        while child.poll() == nil { Thread.sleep(forTimeInterval: 0.01) }
    }

    private func control(_ path: String, body: Data) throws {
        let response = try http.send(
            HTTPRequest(
                method: "POST",
                url: baseURL + path,
                headers: [("content-type", "application/json")],
                body: body
            )
        )
        guard response.status == 200 else { throw FakeError(description: "\(path) answered \(response.status)") }
    }

    private static func object(_ behaviour: Behaviour) -> [String: Any] {
        switch behaviour {
        case .auto:
            return ["kind": "auto"]
        case .text(let text, let stopReason):
            return ["kind": "text", "text": text, "stop": stopReason]
        case .error(let status, let type, let message, let retryAfter):
            var object: [String: Any] = ["kind": "error", "status": status, "type": type, "message": message]
            if let retryAfter { object["retry_after"] = retryAfter }
            return object
        case .hang(let seconds):
            return ["kind": "hang", "seconds": seconds]
        case .raw(let status, let body):
            return ["kind": "raw", "status": status, "body": body]
        }
    }
}
