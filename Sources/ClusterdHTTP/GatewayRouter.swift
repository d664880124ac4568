import ClusterdCore
import ClusterdReport
import ClusterdService
import Foundation
import NIOHTTP1

/// Maps a request to its response: routing, the token check, validation and FastAPI's error conventions
/// (`{"detail": ...}`, 401, 404, 405 with `Allow`, 422, 503). Pure apart from the backend calls, which answer from
/// memory, so it runs on the event loop; the metrics exposition is the one exception (`Outcome.metrics`).
struct GatewayRouter: Sendable {
    /// What to do with a request.
    enum Outcome {
        /// Write this response.
        case response(GatewayResponse)
        /// Render the metrics off the event loop, then write `metricsResponse(_:)`.
        case metrics
        /// Run this (it blocks on MongoDB) off the event loop, then write what it returns.
        case offLoop(@Sendable () -> GatewayResponse)
    }

    let backend: any HTTPGatewayBackend
    let token: BearerToken?
    let openAPI: [UInt8]
    let policy: HostOriginPolicy

    /// Seconds a client is told to wait (`Retry-After`) when the analysis queue is full.
    static let retryAfterSeconds = 5

    init(
        backend: any HTTPGatewayBackend,
        token: String?,
        openAPI: [UInt8],
        policy: HostOriginPolicy = HostOriginPolicy()
    ) {
        self.backend = backend
        self.token = token.map(BearerToken.init)
        self.openAPI = openAPI
        self.policy = policy
    }

    /// Routes one complete request; `host` and `origin` are its headers of those names, if any, and `body` its
    /// body (read by the curation endpoints only).
    func route(
        method: HTTPMethod,
        uri: String,
        authorization: String?,
        host: String? = nil,
        origin: String? = nil,
        body: [UInt8] = []
    ) -> Outcome {
        let path = uri.prefix { $0 != "?" && $0 != "#" }
        guard let endpoint = GatewayEndpoint(path: path) else {
            return .response(.detail(.notFound, "Not Found"))
        }
        guard endpoint.methods.contains(method) else {
            let allow = endpoint.methods.map(\.rawValue).joined(separator: ", ")
            return .response(.detail(.methodNotAllowed, "Method Not Allowed", headers: [("allow", allow)]))
        }
        if endpoint.checksHostAndOrigin, let refusal = policy.refusal(host: host, origin: origin) {
            return .response(refusal)
        }
        if endpoint.requiresToken, let token {
            switch token.check(authorization) {
            case .accepted:
                break
            case .missing:
                return .response(.detail(.unauthorized, "Not authenticated", headers: [("www-authenticate", "Bearer")]))
            case .wrong:
                return .response(
                    .detail(
                        .unauthorized,
                        "Invalid authentication credentials",
                        headers: [("www-authenticate", "Bearer")]
                    )
                )
            }
        }
        switch endpoint {
        case .status:
            return .response(.jsonText(.ok, backend.status().jsonString()))
        case .force:
            let result = backend.forceClustering()
            return .response(
                .json(
                    .ok,
                    [
                        "success": true, "started": result.started, "follow_up_queued": result.followUpQueued,
                        "message": result.message,
                    ]
                )
            )
        case .trigger(let raw):
            return .response(trigger(rawMessageID: raw))
        case .forgetMessage(let raw):
            return forget(raw: raw, name: "message_id") { backend, id throws(ServiceError) in
                try backend.forgetMessage(id: id)
            }
        case .forgetConversation(let raw):
            return forget(raw: raw, name: "conversation_id") { backend, id throws(ServiceError) in
                try backend.forgetConversation(id: id)
            }
        case .conversationCluster(let raw):
            return offLoop(raw: raw, name: "conversation_id") { backend, id throws(ServiceError) in
                try backend.conversationCluster(id: id).jsonObject
            }
        case .curateTopic(let raw, let action):
            return curate(rawStableID: raw, action: action, body: body)
        case .curationLog:
            return curationLog(query: uri.drop(while: { $0 != "?" }).dropFirst())
        case .openAPI:
            return .response(GatewayResponse(status: .ok, contentType: "application/json", body: openAPI))
        case .livez:
            return .response(.json(.ok, ["status": "alive"]))
        case .readyz:
            return .response(readyz())
        case .metrics:
            return .metrics
        case .report:
            return report(query: uri.drop(while: { $0 != "?" }).dropFirst())
        }
    }

    /// `GET /report[?no_text=1][&run=ID]`: the topic report rendered off the event loop.
    private func report(query: Substring) -> Outcome {
        let parameters = Self.queryParameters(query)
        var includeText = true
        if let raw = parameters["no_text"] {
            switch raw.lowercased() {
            case "1", "true": includeText = false
            case "0", "false": includeText = true
            default:
                return .response(
                    .validationError(
                        location: ["query", "no_text"],
                        message: "Input should be 0, 1, true or false",
                        type: "bool_parsing",
                        input: raw
                    )
                )
            }
        }
        let runID = parameters["run"]
        let backend = self.backend
        return .offLoop { [includeText] in
            do throws(ServiceError) {
                let model = try backend.reportModel(runID: runID, includeText: includeText)
                return GatewayResponse(
                    status: .ok,
                    contentType: "text/html; charset=utf-8",
                    body: Array(ReportHTML.render(model).utf8)
                )
            } catch {
                return Self.refusal(error, location: ["query", "run"], input: runID ?? "")
            }
        }
    }

    /// The query's parameters, percent-decoded ('+' as a space); the first of a repeated name wins.
    static func queryParameters(_ query: Substring) -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in query.prefix(while: { $0 != "#" }).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            let name = decoded(parts[0])
            if parameters[name] == nil { parameters[name] = parts.count > 1 ? decoded(parts[1]) : "" }
        }
        return parameters
    }

    /// The response to `GET /metrics` once the exposition is rendered (nil: metrics are off).
    static func metricsResponse(_ text: String?) -> GatewayResponse {
        guard let text else { return .detail(.notFound, "metrics are switched off (CLUSTERD_METRICS=off)") }
        return GatewayResponse(
            status: .ok,
            contentType: "text/plain; version=0.0.4; charset=utf-8",
            body: Array(text.utf8)
        )
    }

    private func trigger(rawMessageID raw: Substring) -> GatewayResponse {
        let location = ["path", "message_id"]
        let messageID: String
        switch Self.pathID(raw, name: "message_id") {
        case .success(let id): messageID = id
        case .failure(let refusal): return refusal.response
        }
        do {
            let result = try backend.triggerAnalysis(messageID: messageID)
            let outcome: String
            let message: String
            switch result.outcome {
            case .queued:
                outcome = "queued"
                message = "Triggered background analysis for message \(messageID)"
            case .alreadyQueued:
                outcome = "already_queued"
                message = "Analysis of message \(messageID) is already queued"
            case .recorded:
                outcome = "recorded"
                message = "Recorded the trigger for message \(messageID) (background clustering disabled)"
            }
            return .json(
                .ok,
                [
                    "success": true, "message_id": messageID, "outcome": outcome, "queue_depth": result.queueDepth,
                    "message": message,
                ]
            )
        } catch {
            return Self.refusal(error, location: location, input: messageID)
        }
    }

    /// A refused request in FastAPI's shapes: 422 for invalid input, 503 (with Retry-After when the queue is full)
    /// when the service cannot take it, 404 for what does not exist.
    static func refusal(_ error: ServiceError, location: [String], input: String) -> GatewayResponse {
        switch error.code {
        case .invalidArgument:
            return .validationError(location: location, message: error.message, type: "value_error", input: input)
        case .queueFull:
            return .detail(.serviceUnavailable, error.message, headers: [("retry-after", "\(retryAfterSeconds)")])
        case .stopping, .storeUnavailable:
            return .detail(.serviceUnavailable, error.message)
        case .notFound:
            return .detail(.notFound, error.message)
        }
    }

    /// A 422 refusal of a path id, as a value `Result` can carry.
    struct PathRefusal: Error {
        /// The response to send.
        let response: GatewayResponse
    }

    /// A path segment as an id: percent-decoded, 1 to `limit` characters; else FastAPI's 422.
    static func pathID(
        _ raw: Substring,
        name: String,
        limit: Int = BackgroundClusteringService.maxMessageIDLength
    ) -> Result<String, PathRefusal> {
        let location = ["path", name]
        guard let id = String(raw).removingPercentEncoding else {
            return .failure(
                PathRefusal(
                    response: .validationError(
                        location: location,
                        message: "\(name) is not valid percent-encoded UTF-8",
                        type: "string_type",
                        input: String(raw)
                    )
                )
            )
        }
        return validatedText(id, location: location, limit: limit)
    }

    /// A text value (a path id, a query parameter, a body field) of 1 to `limit` characters; else FastAPI's 422
    /// naming `location`.
    static func validatedText(_ text: String, location: [String], limit: Int) -> Result<String, PathRefusal> {
        if text.isEmpty {
            return .failure(
                PathRefusal(
                    response: .validationError(
                        location: location,
                        message: "String should have at least 1 character",
                        type: "string_too_short",
                        input: text
                    )
                )
            )
        }
        if text.unicodeScalars.count > limit {
            return .failure(
                PathRefusal(
                    response: .validationError(
                        location: location,
                        message: "String should have at most \(limit) characters",
                        type: "string_too_long",
                        input: text
                    )
                )
            )
        }
        return .success(text)
    }

    /// An erasure of the id in the path: validated on the event loop, carried out off it.
    private func forget(
        raw: Substring,
        name: String,
        _ erase: @escaping @Sendable (any HTTPGatewayBackend, String) throws(ServiceError) -> ErasureCounts
    ) -> Outcome {
        offLoop(raw: raw, name: name) { backend, id throws(ServiceError) in
            let counts = try erase(backend, id)
            return [
                "success": true, name: id, "analyses_erased": counts.analyses,
                "assignments_erased": counts.assignments, "clusters_scrubbed": counts.clusters,
            ]
        }
    }

    /// A call on the id in the path that blocks on MongoDB: the id validated on the event loop, `work` run off it;
    /// its object is the 200 reply, its error a refusal.
    func offLoop(
        raw: Substring,
        name: String,
        _ work: @escaping @Sendable (any HTTPGatewayBackend, String) throws(ServiceError) -> [String: Any]
    ) -> Outcome {
        let id: String
        switch Self.pathID(raw, name: name) {
        case .success(let valid): id = valid
        case .failure(let refusal): return .response(refusal.response)
        }
        let backend = self.backend
        return .offLoop {
            do throws(ServiceError) {
                return .json(.ok, try work(backend, id))
            } catch {
                return Self.refusal(error, location: ["path", name], input: id)
            }
        }
    }

    private func readyz() -> GatewayResponse {
        let readiness = backend.readiness()
        let checks: [String: Any] = [
            "store": readiness.storeReachable ? "ok" : "unreachable",
            "accepting_work": readiness.acceptingWork ? "ok" : "no",
        ]
        if readiness.isReady { return .json(.ok, ["status": "ready", "checks": checks]) }
        return .json(
            .serviceUnavailable,
            ["detail": "not ready: " + readiness.problems.joined(separator: "; "), "checks": checks]
        )
    }
}
