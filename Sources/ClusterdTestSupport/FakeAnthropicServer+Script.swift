extension FakeAnthropicServer {
    /// The fake's Python source (standard library only).
    static let script = #"""
        import json, os, re, sys, threading, time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        PARENT, PORT_FILE, KEY = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        RPM = int(sys.argv[4]) if len(sys.argv) > 4 else 0
        START = time.monotonic()
        LOCK = threading.Lock()
        STATE = {"queue": [], "default": {"kind": "auto"}, "requests": [], "count": 0, "batches_enabled": True,
                 "batch_polls": 1, "record_bodies": True}
        STATS = {"messages": 0, "accepted": 0, "rate_limited": 0, "input_tokens": 0, "output_tokens": 0,
                 "cache_read_input_tokens": 0, "max_in_window": 0, "batches": 0, "batch_requests": 0}
        WINDOW = []  # arrival times of accepted /v1/messages requests in the last 60 s
        BATCHES = {}
        SYSTEMS = set()
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

        def item_reply(item):
            text = str(item.get("text", "")).lower()
            words = []
            for word in re.findall(r"[a-z]{5,}", text):
                if word not in STOP and word not in words:
                    words.append(word)
            first = words[0] if words else "nothing"
            return {"id": item.get("id"), "concepts": words[:5], "topic": "about " + first, "language": "en",
                    "summary": "Asks about " + first + "."}

        def batch_concepts_reply(user):
            try:
                items = json.loads(user)
            except ValueError:
                return "[]"
            return json.dumps([item_reply(item) for item in items if isinstance(item, dict)])

        def naming_reply(user):
            match = re.search(r"<top_concepts>(.*)</top_concepts>", user)
            concepts = [c.strip() for c in (match.group(1) if match else "").split(";") if c.strip()]
            first = concepts[0] if concepts else "misc"
            return json.dumps({"name": "Fake group: " + first,
                               "description": "Conversations about " + ", ".join(concepts[:3] or ["misc"]) + "."})

        def batch_naming_reply(user):
            try:
                groups, _ = json.JSONDecoder().raw_decode(user)
            except ValueError:
                return "[]"
            items = []
            for group in groups if isinstance(groups, list) else []:
                concepts = [str(c) for c in group.get("top_concepts", []) if str(c).strip()]
                first = concepts[0] if concepts else "misc"
                items.append({"id": group.get("id"), "name": "Fake group: " + first,
                              "description": "Conversations about " + ", ".join(concepts[:3] or ["misc"]) + "."})
            return json.dumps(items)

        def message_body(request, text, stop="end_turn"):
            # A system block marked cache_control is read from the cache by every later request with the same text.
            system = request.get("system", "")
            cached_text = ""
            if isinstance(system, list):
                cached_text = "".join(b.get("text", "") for b in system
                                      if isinstance(b, dict) and isinstance(b.get("cache_control"), dict))
            total_in = len(json.dumps(request)) // 4
            with LOCK:
                STATE["count"] += 1
                number = STATE["count"]
                hit = cached_text != "" and cached_text in SYSTEMS
                if cached_text:
                    SYSTEMS.add(cached_text)
                cached = len(cached_text) // 4
                usage = {"input_tokens": total_in - cached if hit else total_in,
                         "output_tokens": len(text) // 4 + 1,
                         "cache_creation_input_tokens": 0,
                         "cache_read_input_tokens": cached if hit else 0}
                STATS["input_tokens"] += usage["input_tokens"]
                STATS["output_tokens"] += usage["output_tokens"]
                STATS["cache_read_input_tokens"] += usage["cache_read_input_tokens"]
            return {"id": "msg_fake_%d" % number, "type": "message", "role": "assistant",
                    "model": request.get("model", ""),
                    "content": [{"type": "thinking", "thinking": "", "signature": "fake"},
                                {"type": "text", "text": text}],
                    "stop_reason": stop, "stop_sequence": None, "usage": usage}

        def auto_text(request):
            system = request.get("system", "")
            if isinstance(system, list):
                system = "".join(block.get("text", "") for block in system if isinstance(block, dict))
            user = request["messages"][-1]["content"]
            if '"concepts"' in system and "JSON array of" in system:
                return batch_concepts_reply(user)
            if '"concepts"' in system:
                return concepts_reply(user)
            if '"name"' in system and "JSON array of groups" in system:
                return batch_naming_reply(user)
            if '"name"' in system:
                return naming_reply(user)
            return "{}"

        def admit():
            """Counts an arriving /v1/messages request against the per-minute limit: None to go on, or the
            seconds a 429 tells the client to wait."""
            with LOCK:
                STATS["messages"] += 1
                now = time.monotonic()
                while WINDOW and WINDOW[0] <= now - 60:
                    WINDOW.pop(0)
                if RPM and len(WINDOW) >= RPM:
                    STATS["rate_limited"] += 1
                    return max(1, int(WINDOW[0] + 60 - now + 0.999))
                WINDOW.append(now)
                STATS["accepted"] += 1
                STATS["max_in_window"] = max(STATS["max_in_window"], len(WINDOW))
                return None

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
                self.send(200, json.dumps(message_body(request, text, stop)))
                return 200

            def auto(self, request):
                return self.reply(request, auto_text(request))

            def checked_headers(self):
                if self.headers.get("x-api-key") != KEY:
                    return self.error(401, "authentication_error", "invalid x-api-key")
                if self.headers.get("anthropic-version") != "2023-06-01":
                    return self.error(400, "invalid_request_error", "anthropic-version: header is required")
                return None

            def create_batch(self, raw):
                if not STATE["batches_enabled"]:
                    return self.error(404, "not_found_error", "no route " + self.path)
                if self.checked_headers():
                    return
                try:
                    requests = json.loads(raw)["requests"]
                except (ValueError, KeyError, TypeError):
                    return self.error(400, "invalid_request_error", "requests is required")
                with LOCK:
                    number = len(BATCHES) + 1
                    batch_id = "msgbatch_fake_%d" % number
                    BATCHES[batch_id] = {"requests": requests, "polls": 0}
                    STATS["batches"] += 1
                    STATS["batch_requests"] += len(requests)
                self.send(200, json.dumps({"id": batch_id, "type": "message_batch",
                                           "processing_status": "in_progress", "results_url": None}))

            def get_batch(self, batch_id, results):
                if not STATE["batches_enabled"]:
                    return self.error(404, "not_found_error", "no route " + self.path)
                if self.checked_headers():
                    return
                with LOCK:
                    batch = BATCHES.get(batch_id)
                    if batch is not None and not results:
                        batch["polls"] += 1
                if batch is None:
                    return self.error(404, "not_found_error", "no batch " + batch_id)
                ended = batch["polls"] >= STATE["batch_polls"]
                if results:
                    lines = []
                    for entry in batch["requests"]:
                        message = message_body(entry["params"], auto_text(entry["params"]))
                        lines.append(json.dumps({"custom_id": entry["custom_id"],
                                                 "result": {"type": "succeeded", "message": message}}))
                    return self.send(200, "\n".join(lines) + "\n")
                url = "http://127.0.0.1:%d/v1/messages/batches/%s/results" % (self.server.server_address[1], batch_id)
                self.send(200, json.dumps({"id": batch_id, "type": "message_batch",
                                           "processing_status": "ended" if ended else "in_progress",
                                           "results_url": url if ended else None}))

            def messages(self, raw):
                wait = admit()
                if wait is not None:
                    return self.error(429, "rate_limit_error", "over %d requests per minute" % RPM,
                                      [("retry-after", str(wait))])
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
                if self.path == "/_control/options":
                    control = json.loads(raw)
                    with LOCK:
                        for key in ("batches_enabled", "batch_polls", "record_bodies"):
                            if key in control:
                                STATE[key] = control[key]
                    return self.send(200, "{}")
                self.record(raw)
                if self.path == "/v1/messages":
                    self.messages(raw)
                elif self.path == "/v1/messages/batches":
                    self.create_batch(raw)
                else:
                    self.error(404, "not_found_error", "no route " + self.path)
                self.entry = None

            def record(self, raw):
                entry = {"time": time.monotonic() - START, "path": self.path, "status": 0,
                         "headers": {k.lower(): v for k, v in self.headers.items()},
                         "body": raw.decode("utf-8", "replace") if STATE["record_bodies"] else ""}
                with LOCK:
                    STATE["requests"].append(entry)  # in arrival order; the status is filled in when answered
                self.entry = entry

            def do_GET(self):
                if self.path == "/_control/requests":
                    with LOCK:
                        body = json.dumps({"requests": STATE["requests"]})
                    return self.send(200, body)
                if self.path == "/_control/stats":
                    with LOCK:
                        body = json.dumps(STATS)
                    return self.send(200, body)
                match = re.fullmatch(r"/v1/messages/batches/([A-Za-z0-9_]+)(/results)?", self.path)
                if match:
                    self.record(b"")
                    self.get_batch(match.group(1), match.group(2) is not None)
                    self.entry = None
                    return
                self.error(404, "not_found_error", "no route " + self.path)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        with open(PORT_FILE + ".tmp", "w") as f:
            f.write(str(server.server_address[1]))
        os.rename(PORT_FILE + ".tmp", PORT_FILE)
        server.serve_forever()
        """#
}
