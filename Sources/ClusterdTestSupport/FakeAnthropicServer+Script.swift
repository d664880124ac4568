extension FakeAnthropicServer {
    /// The fake's Python source (standard library only).
    static let script = #"""
        import json, os, re, sys, threading, time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        PARENT, PORT_FILE, KEY = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        START = time.monotonic()
        LOCK = threading.Lock()
        STATE = {"queue": [], "default": {"kind": "auto"}, "requests": [], "count": 0}
        STOP = {"a", "about", "after", "again", "could", "every", "from", "have", "should", "their", "there",
                "these", "which", "while", "would", "where", "when", "what", "with", "your", "does", "into"}

        def watchdog():
            deadline = time.monotonic() + 900
            while time.monotonic() < deadline:
                time.sleep(0.5)
                try:
                    os.kill(PARENT, 0)
                except OSError:
                    break
            os._exit(0)
        threading.Thread(target=watchdog, daemon=True).start()

        def concepts_reply(user):
            match = re.search(r"<message>\n(.*)\n</message>", user, re.S)
            text = (match.group(1) if match else user).lower()
            words = []
            for word in re.findall(r"[a-z]{5,}", text):
                if word not in STOP and word not in words:
                    words.append(word)
            first = words[0] if words else "nothing"
            return json.dumps({"concepts": words[:5], "topic": "about " + first, "language": "en"})

        def naming_reply(user):
            match = re.search(r"<top_concepts>(.*)</top_concepts>", user)
            concepts = [c.strip() for c in (match.group(1) if match else "").split(";") if c.strip()]
            first = concepts[0] if concepts else "misc"
            return json.dumps({"name": "Fake group: " + first,
                               "description": "Conversations about " + ", ".join(concepts[:3] or ["misc"]) + "."})

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *args):
                pass

            def send(self, status, body, headers=()):
                entry = getattr(self, "entry", None)
                if entry is not None:
                    with LOCK:
                        entry["status"] = status  # before the reply leaves, so a client never sees it unset
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def error(self, status, kind, message, headers=()):
                body = {"type": "error", "error": {"type": kind, "message": message}, "request_id": "req_fake"}
                self.send(status, json.dumps(body), headers)
                return status

            def reply(self, request, text, stop="end_turn"):
                with LOCK:
                    STATE["count"] += 1
                    number = STATE["count"]
                body = {"id": "msg_fake_%d" % number, "type": "message", "role": "assistant",
                        "model": request.get("model", ""),
                        "content": [{"type": "thinking", "thinking": "", "signature": "fake"},
                                    {"type": "text", "text": text}],
                        "stop_reason": stop, "stop_sequence": None,
                        "usage": {"input_tokens": len(json.dumps(request)) // 4, "output_tokens": len(text) // 4 + 1,
                                  "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}}
                self.send(200, json.dumps(body))
                return 200

            def auto(self, request):
                system = request.get("system", "")
                if isinstance(system, list):
                    system = "".join(block.get("text", "") for block in system if isinstance(block, dict))
                user = request["messages"][-1]["content"]
                if '"concepts"' in system:
                    return self.reply(request, concepts_reply(user))
                if '"name"' in system:
                    return self.reply(request, naming_reply(user))
                return self.reply(request, "{}")

            def messages(self, raw):
                if self.headers.get("x-api-key") != KEY:
                    return self.error(401, "authentication_error", "invalid x-api-key")
                if self.headers.get("anthropic-version") != "2023-06-01":
                    return self.error(400, "invalid_request_error", "anthropic-version: header is required")
                if (self.headers.get("content-type") or "").split(";")[0] != "application/json":
                    return self.error(400, "invalid_request_error", "content-type must be application/json")
                try:
                    request = json.loads(raw)
                except ValueError:
                    return self.error(400, "invalid_request_error", "body is not JSON")
                messages = request.get("messages")
                if (not isinstance(request.get("model"), str) or not isinstance(request.get("max_tokens"), int)
                        or request["max_tokens"] < 1 or not isinstance(messages, list) or not messages
                        or messages[-1].get("role") != "user" or not isinstance(messages[-1].get("content"), str)):
                    return self.error(400, "invalid_request_error", "model, max_tokens and messages are required")
                for name in ("temperature", "top_p", "top_k"):
                    if name in request:
                        return self.error(400, "invalid_request_error", name + " is not supported by this model")
                with LOCK:
                    behaviour = STATE["queue"].pop(0) if STATE["queue"] else STATE["default"]
                kind = behaviour.get("kind", "auto")
                if kind == "hang":
                    time.sleep(behaviour.get("seconds", 5))
                    return self.auto(request)
                if kind == "text":
                    return self.reply(request, behaviour["text"], behaviour.get("stop", "end_turn"))
                if kind == "error":
                    headers = [("retry-after", behaviour["retry_after"])] if behaviour.get("retry_after") else []
                    return self.error(behaviour["status"], behaviour["type"], behaviour["message"], headers)
                if kind == "raw":
                    self.send(behaviour["status"], behaviour["body"])
                    return behaviour["status"]
                return self.auto(request)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if self.path == "/_control/script":
                    control = json.loads(raw)
                    with LOCK:
                        STATE["queue"] = control.get("queue", [])
                        STATE["default"] = control.get("default", {"kind": "auto"})
                    return self.send(200, "{}")
                if self.path == "/_control/reset":
                    with LOCK:
                        STATE["queue"], STATE["default"], STATE["requests"] = [], {"kind": "auto"}, []
                    return self.send(200, "{}")
                entry = {"time": time.monotonic() - START, "path": self.path, "status": 0,
                         "headers": {k.lower(): v for k, v in self.headers.items()},
                         "body": raw.decode("utf-8", "replace")}
                with LOCK:
                    STATE["requests"].append(entry)  # in arrival order; the status is filled in when answered
                self.entry = entry
                if self.path == "/v1/messages":
                    self.messages(raw)
                else:
                    self.error(404, "not_found_error", "no route " + self.path)
                self.entry = None

            def do_GET(self):
                if self.path == "/_control/requests":
                    with LOCK:
                        body = json.dumps({"requests": STATE["requests"]})
                    return self.send(200, body)
                self.error(404, "not_found_error", "no route " + self.path)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        with open(PORT_FILE + ".tmp", "w") as f:
            f.write(str(server.server_address[1]))
        os.rename(PORT_FILE + ".tmp", PORT_FILE)
        server.serve_forever()
        """#
}
