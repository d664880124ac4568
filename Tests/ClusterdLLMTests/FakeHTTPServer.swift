import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway HTTP server on 127.0.0.1, a Python `http.server` child process.
///
/// Routes: `/ok` echoes the body and the `x-echo` header as JSON; `/status/<n>` answers n (with `retry-after: 1`
/// on 429); `/slow` sleeps 3 s; `/big` sends 10 MB with a length; `/big-unsized` sends 10 MB with none.
/// The child exits on its own when its stdin closes (this process died) or after 60 s; ``stop()`` kills it
/// with SIGKILL, since a test runner's children may inherit a blocked SIGTERM.
final class FakeHTTPServer {
    let port: Int
    private let process: Process
    private let stdin: Pipe
    private let scriptURL: URL

    static let script = #"""
        import json, os, sys, threading, time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        def watchdog():
            sys.stdin.read()  # returns when the parent goes away
            os._exit(0)
        threading.Thread(target=watchdog, daemon=True).start()
        threading.Timer(60, lambda: os._exit(0)).start()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *args):
                pass
            def send(self, status, body, headers=(), length=True):
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                if length:
                    self.send_header("Content-Length", str(len(body)))
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass
            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if self.path == "/ok":
                    echo = {"method": self.command, "body": body.decode(), "x-echo": self.headers.get("X-Echo"),
                            "user-agent": self.headers.get("User-Agent")}
                    self.send(200, json.dumps(echo).encode(), [("Content-Type", "application/json"),
                                                               ("X-Server", "fake")])
                elif self.path.startswith("/status/"):
                    status = int(self.path.split("/")[2])
                    headers = [("Retry-After", "1")] if status == 429 else []
                    self.send(status, b"status", headers)
                elif self.path == "/slow":
                    time.sleep(3)
                    self.send(200, b"late")
                elif self.path == "/big":
                    self.send(200, b"x" * 10_000_000)
                elif self.path == "/big-unsized":
                    self.send(200, b"x" * 10_000_000, length=False)
                else:
                    self.send(404, b"no route")
            do_GET = do_POST = do_PUT = do_DELETE = handle_any

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """#

    init() throws {
        scriptURL = FileManager.default.temporaryDirectory.appendingPathComponent("fake-http-\(UUID().uuidString).py")
        try Self.script.write(to: scriptURL, atomically: true, encoding: .utf8)
        process = Process()
        let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        process.executableURL = URL(fileURLWithPath: python ?? "/usr/bin/python3")
        process.arguments = [scriptURL.path]
        stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let text = String(data: line, encoding: .utf8),
            let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: scriptURL)
            throw FakeServerError(message: "fake server did not report a port")
        }
        self.port = port
    }

    /// `http://127.0.0.1:<port><path>`.
    func url(_ path: String) -> String {
        "http://127.0.0.1:\(port)\(path)"
    }

    /// Kills the child and removes the script.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        try? stdin.fileHandleForWriting.close()
        try? FileManager.default.removeItem(at: scriptURL)
    }

    /// Runs `body` with a fresh server, always stopping it afterwards.
    static func with<T>(_ body: (FakeHTTPServer) throws -> T) throws -> T {
        let server = try FakeHTTPServer()
        defer { server.stop() }
        return try body(server)
    }
}

struct FakeServerError: Error {
    let message: String
}
