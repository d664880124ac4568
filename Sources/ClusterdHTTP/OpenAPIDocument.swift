import ClusterdCore
import ClusterdService
import Foundation

/// The OpenAPI 3.1 document served at `/openapi.json`: exactly the gateway's endpoints, with FastAPI's error
/// schemas (`HTTPError`, `HTTPValidationError`).
enum OpenAPIDocument {
    /// The document as JSON text (keys sorted). With `requiresToken`, the API endpoints and /metrics declare the
    /// bearer scheme and a 401 response.
    static func json(serverVersion: String, requiresToken: Bool) -> String {
        let object = document(serverVersion: serverVersion, requiresToken: requiresToken)
        let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return data.flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    static func document(serverVersion: String, requiresToken: Bool) -> [String: Any] {
        func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }
        func json(_ description: String, _ schema: [String: Any]) -> [String: Any] {
            ["description": description, "content": ["application/json": ["schema": schema]]]
        }
        let unauthorized = json("Missing or wrong bearer token", ref("HTTPError"))
        let unavailable = json("The service cannot take the request now (queue full, shutting down)", ref("HTTPError"))
        func secured(_ operation: [String: Any]) -> [String: Any] {
            guard requiresToken else { return operation }
            var operation = operation
            operation["security"] = [["HTTPBearer": [String]()]]
            var responses = operation["responses"] as? [String: Any] ?? [:]
            responses["401"] = unauthorized
            operation["responses"] = responses
            return operation
        }
        func pathID(
            _ name: String,
            title: String,
            description: String,
            maxLength: Int = BackgroundClusteringService.maxMessageIDLength
        ) -> [[String: Any]] {
            [
                [
                    "name": name,
                    "in": "path",
                    "required": true,
                    "description": description,
                    "schema": [
                        "type": "string",
                        "title": title,
                        "minLength": 1,
                        "maxLength": maxLength,
                    ],
                ]
            ]
        }
        let storeDown = json("MongoDB is unreachable, or the server is shutting down", ref("HTTPError"))
        let who =
            "Logged with who (\"token (http)\" when the gateway has a token, else \"local (http)\") and when; "
            + "`GET /api/clustering/curation` lists the log."
        func curateOperation(
            _ action: CurationAction,
            summary: String,
            description: String,
            body: String?
        ) -> [String: Any] {
            var operation: [String: Any] = [
                "operationId": "\(action.rawValue)Topic",
                "summary": summary,
                "description": description + " " + who,
                "tags": ["curation"],
                "parameters": pathID(
                    "stable_id",
                    title: "Stable Id",
                    description: "The topic's stable id (as the latest successful run has it)",
                    maxLength: BackgroundClusteringService.maxCuratedTextLength
                ),
                "responses": [
                    "200": json("The change as logged, and what it does", ref("CurationResult")),
                    "404": json("No successful run yet, or it has no topic with the id", ref("HTTPError")),
                    "422": json("Validation Error", ref("HTTPValidationError")),
                    "503": storeDown,
                ],
            ]
            if let body {
                operation["requestBody"] = [
                    "required": true,
                    "content": ["application/json": ["schema": ref(body)]],
                ]
            }
            return operation
        }
        func forgetOperation(
            id: String,
            summary: String,
            description: String,
            parameter: String,
            title: String
        ) -> [String: Any] {
            [
                "operationId": id,
                "summary": summary,
                "description": description,
                "tags": ["erasure"],
                "parameters": pathID(parameter, title: title, description: "ObjectId hex or any string"),
                "responses": [
                    "200": json("Erased (counts of what went; zero when nothing was held)", ref("ForgetResult")),
                    "422": json("Validation Error", ref("HTTPValidationError")),
                    "503": json("MongoDB is unreachable, or the server is shutting down", ref("HTTPError")),
                ],
            ]
        }
        var paths: [String: Any] = [
            "/api/clustering/background-status": [
                "get": secured([
                    "operationId": "getBackgroundStatus",
                    "summary": "Get Background Status",
                    "description":
                        "The background clustering service's status: the seed's fields plus an operator section "
                        + "(the same JSON as `clusterctl status --json`).",
                    "tags": ["clustering"],
                    "responses": ["200": json("Current status", ref("BackgroundStatus"))],
                ])
            ],
            "/api/clustering/background-force": [
                "post": secured([
                    "operationId": "forceBackgroundClustering",
                    "summary": "Force Background Clustering",
                    "description":
                        "Runs a clustering now, regardless of the trigger conditions, quiet hours and hourly cap. "
                        + "While a run is in progress, exactly one follow-up run is queued.",
                    "tags": ["clustering"],
                    "responses": ["200": json("Started, or coalesced into a queued run", ref("ForceResult"))],
                ])
            ],
            "/api/messages/{message_id}/trigger-analysis": [
                "post": secured([
                    "operationId": "triggerMessageAnalysis",
                    "summary": "Trigger Message Analysis",
                    "description":
                        "Queues the message for background analysis and returns at once. When the queue is full "
                        + "the answer is 503 with Retry-After; the message is still analysed later by the "
                        + "catch-up sweep.",
                    "tags": ["messages"],
                    "parameters": pathID(
                        "message_id",
                        title: "Message Id",
                        description: "The message's id (ObjectId hex or any string)"
                    ),
                    "responses": [
                        "200": json("Queued (or already queued, or recorded when disabled)", ref("TriggerResult")),
                        "422": json("Validation Error", ref("HTTPValidationError")),
                        "503": unavailable,
                    ],
                ])
            ],
            "/api/messages/{message_id}/forget": [
                "post": secured(
                    forgetOperation(
                        id: "forgetMessage",
                        summary: "Forget Message",
                        description:
                            "Erases what clusterd holds about the message (a data-erasure request): its analysis, "
                            + "and when its conversation is left with none, the conversation's assignments and "
                            + "cluster references; top concepts only it had leave the clusters. The host's "
                            + "message is not touched. Batches of ids: the RPC's ForgetMessages.",
                        parameter: "message_id",
                        title: "Message Id"
                    )
                )
            ],
            "/api/conversations/{conversation_id}/forget": [
                "post": secured(
                    forgetOperation(
                        id: "forgetConversation",
                        summary: "Forget Conversation",
                        description:
                            "Erases what clusterd holds about the conversation (a data-erasure request): every "
                            + "analysis of its messages, its assignments in every run, its place among clusters' "
                            + "representative conversations and the top concepts only it had.",
                        parameter: "conversation_id",
                        title: "Conversation Id"
                    )
                )
            ],
            "/api/conversations/{conversation_id}/cluster": [
                "get": secured([
                    "operationId": "getConversationCluster",
                    "summary": "Get Conversation Cluster",
                    "description":
                        "Where the conversation sits: its assignment in the latest successful run or, for a "
                        + "conversation analysed since, its provisional placement at that run's nearest base "
                        + "cluster, with the distance and the cluster path from the base cluster up to the top "
                        + "level (the same JSON as `clusterctl conversation ID --json`; the RPC's "
                        + "GetConversationCluster).",
                    "tags": ["clustering"],
                    "parameters": pathID(
                        "conversation_id",
                        title: "Conversation Id",
                        description: "The conversation's id (any string)"
                    ),
                    "responses": [
                        "200": json("Its cluster path, provisional or not", ref("ConversationPlacement")),
                        "404": json("No successful run yet, or the conversation has no cluster", ref("HTTPError")),
                        "422": json("Validation Error", ref("HTTPValidationError")),
                        "503": json("MongoDB is unreachable, or the server is shutting down", ref("HTTPError")),
                    ],
                ])
            ],
            "/api/clustering/topics/{stable_id}/rename": [
                "post": secured(
                    curateOperation(
                        .rename,
                        summary: "Rename Topic",
                        description:
                            "Gives the topic a name (and optionally a description) that the latest successful run "
                            + "shows at once and every later run keeps while the stable id continues; neither Claude "
                            + "nor local naming replaces it (`clusterctl topic rename`).",
                        body: "RenameTopicRequest"
                    )
                )
            ],
            "/api/clustering/topics/{stable_id}/pin": [
                "post": secured(
                    curateOperation(
                        .pin,
                        summary: "Pin Topic Name",
                        description:
                            "Keeps the topic's current name in every later run, as a rename to it would "
                            + "(`clusterctl topic pin`).",
                        body: nil
                    )
                )
            ],
            "/api/clustering/topics/{stable_id}/unpin": [
                "post": secured(
                    curateOperation(
                        .unpin,
                        summary: "Unpin Topic Name",
                        description:
                            "Drops a kept name: from the next run the topic is named by the usual rules. 422 when "
                            + "the topic has no kept name (`clusterctl topic unpin`).",
                        body: nil
                    )
                )
            ],
            "/api/clustering/topics/{stable_id}/merge": [
                "post": secured(
                    curateOperation(
                        .merge,
                        summary: "Merge Topic",
                        description:
                            "Merges the topic into another of the same level: from the next run its conversations "
                            + "are reported under the surviving id and the two clusters are one. 422 for a merge "
                            + "into itself (directly or through earlier merges) or across levels "
                            + "(`clusterctl topic merge`).",
                        body: "MergeTopicRequest"
                    )
                )
            ],
            "/api/clustering/curation": [
                "get": secured([
                    "operationId": "getCurationLog",
                    "summary": "Get Curation Log",
                    "description":
                        "The curated topics (kept names, merges) and the audit log of changes, newest first: who "
                        + "made each and when (the same JSON as `clusterctl topic log --json`; the RPC's "
                        + "ListCuration).",
                    "tags": ["curation"],
                    "parameters": [
                        [
                            "name": "stable_id", "in": "query", "required": false,
                            "description": "Only this topic (and topics merged into it)",
                            "schema": [
                                "type": "string", "minLength": 1,
                                "maxLength": BackgroundClusteringService.maxCuratedTextLength,
                            ],
                        ],
                        [
                            "name": "limit", "in": "query", "required": false,
                            "description":
                                "At most this many changes (default \(GatewayRouter.defaultCurationChanges))",
                            "schema": ["type": "integer", "minimum": 1, "maximum": GatewayRouter.maxCurationChanges],
                        ],
                    ],
                    "responses": [
                        "200": json("The curated topics and the log", ref("CurationLog")),
                        "422": json("Validation Error", ref("HTTPValidationError")),
                        "503": storeDown,
                    ],
                ])
            ],
            "/openapi.json": [
                "get": [
                    "operationId": "getOpenAPI",
                    "summary": "OpenAPI Document",
                    "description": "This document.",
                    "tags": ["meta"],
                    "responses": ["200": json("The OpenAPI 3.1 document", ["type": "object"])],
                ]
            ],
            "/livez": [
                "get": [
                    "operationId": "getLiveness",
                    "summary": "Liveness Probe",
                    "description": "200 while the process serves HTTP.",
                    "tags": ["probes"],
                    "responses": ["200": json("Alive", ref("Liveness"))],
                ]
            ],
            "/readyz": [
                "get": [
                    "operationId": "getReadiness",
                    "summary": "Readiness Probe",
                    "description":
                        "200 when MongoDB is reachable and the service accepts work (started, not stopping, "
                        + "analysis queue not full); 503 otherwise.",
                    "tags": ["probes"],
                    "responses": [
                        "200": json("Ready", ref("Readiness")),
                        "503": json("Not ready", ref("NotReady")),
                    ],
                ]
            ],
            "/report": [
                "get": secured([
                    "operationId": "getReport",
                    "summary": "Topic Report",
                    "description":
                        "The topic report of a run (the latest successful one by default) as one self-contained "
                        + "HTML page: a map of the base clusters, the hierarchy as a collapsible tree, sizes over "
                        + "the last runs, lineage, quality metrics (the same page as `clusterctl report --html`).",
                    "tags": ["clustering"],
                    "parameters": [
                        [
                            "name": "no_text", "in": "query", "required": false,
                            "description": "1 or true leaves the representative messages' text out",
                            "schema": ["type": "string", "enum": ["0", "1", "true", "false"]],
                        ],
                        [
                            "name": "run", "in": "query", "required": false,
                            "description": "The run to show (its id); the latest successful run when absent",
                            "schema": ["type": "string"],
                        ],
                    ],
                    "responses": [
                        "200": [
                            "description": "The HTML page",
                            "content": ["text/html": ["schema": ["type": "string"]]],
                        ],
                        "404": json("No successful run yet, or no such run", ref("HTTPError")),
                        "422": json("Validation Error", ref("HTTPValidationError")),
                        "503": json("MongoDB is unreachable, or the server is shutting down", ref("HTTPError")),
                    ],
                ])
            ],
            "/metrics": [
                "get": secured([
                    "operationId": "getMetrics",
                    "summary": "Prometheus Metrics",
                    "description": "Metrics in the Prometheus text exposition format 0.0.4.",
                    "tags": ["meta"],
                    "responses": [
                        "200": [
                            "description": "Prometheus text format",
                            "content": ["text/plain": ["schema": ["type": "string"]]],
                        ],
                        "404": json("Metrics are switched off (CLUSTERD_METRICS=off)", ref("HTTPError")),
                    ],
                ])
            ],
        ]
        // Every operation but the liveness and readiness probes may be refused for its Host or Origin.
        let forbidden = json(
            "Host or Origin not allowed (\(HTTPGatewayConfiguration.allowedHostsKey.name), "
                + "\(HTTPGatewayConfiguration.allowedOriginsKey.name))",
            ref("HTTPError")
        )
        for (path, item) in paths where GatewayEndpoint(path: Substring(path))?.checksHostAndOrigin ?? true {
            guard var operations = item as? [String: [String: Any]] else { continue }
            for (method, var operation) in operations {
                var responses = operation["responses"] as? [String: Any] ?? [:]
                responses["403"] = forbidden
                operation["responses"] = responses
                operations[method] = operation
            }
            paths[path] = operations
        }
        var components: [String: Any] = ["schemas": schemas()]
        if requiresToken {
            components["securitySchemes"] = ["HTTPBearer": ["type": "http", "scheme": "bearer"]]
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "clusterd",
                "version": serverVersion,
                "description":
                    "HTTP gateway of clusterd: the background clustering service's REST endpoints, probes and "
                    + "metrics. Errors follow FastAPI's conventions: {\"detail\": ...}.",
            ],
            "paths": paths,
            "components": components,
        ]
    }

    static func schemas() -> [String: Any] {
        func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }
        func nullable(_ type: String) -> [String: Any] { ["type": [type, "null"]] }
        func object(_ properties: [String: Any], required: [String]? = nil) -> [String: Any] {
            ["type": "object", "properties": properties, "required": required ?? Array(properties.keys).sorted()]
        }
        let integer: [String: Any] = ["type": "integer", "minimum": 0]
        let string: [String: Any] = ["type": "string"]
        let boolean: [String: Any] = ["type": "boolean"]
        let number: [String: Any] = ["type": "number"]
        let dateTime: [String: Any] = ["type": "string", "format": "date-time"]
        let curatedText = BackgroundClusteringService.maxCuratedTextLength
        return [
            "RunSummary": object([
                "id": string,
                "status": ["type": "string", "enum": ["running", "succeeded", "failed", "skipped", "abandoned"]],
                "created_at": dateTime,
                "finished_at": ["anyOf": [dateTime, ["type": "null"]]],
                "trigger_reason": string,
                "total_conversations": integer,
                "total_messages": integer,
                "clusters_created": integer,
                "duration_ms": integer,
                "error": nullable("string"),
            ]),
            "Scheduling": object([
                "next_automatic_run_at": ["anyOf": [dateTime, ["type": "null"]]],
                "reason": string,
                "quiet_hours": nullable("string"),
                "max_automatic_runs_per_hour": ["anyOf": [integer, ["type": "null"]]],
                "automatic_runs_last_hour": integer,
            ]),
            "ReplicaStatus": object([
                "id": string,
                "leader": string,
                "is_leader": boolean,
                "fencing_token": integer,
                "lease_age_seconds": nullable("number"),
                "live_claims": integer,
            ]),
            "OperatorStatus": object([
                "queue_depth": integer,
                "queue_capacity": integer,
                "in_flight_analyses": integer,
                "analysis_workers": integer,
                "analyzed_total": integer,
                "failed_total": integer,
                "last_error": string,
                "clustering_stage": string,
                "clustering_progress": ["type": "number", "minimum": 0, "maximum": 1],
                "follow_up_queued": boolean,
                "degraded": ["type": "array", "items": string],
                "uptime_seconds": number,
                "version": string,
                "embedder": string,
                "triggers_total": integer,
                "triggers_refused": integer,
                "swept_total": integer,
                "stale_analyses": integer,
                "change_stream": string,
                "last_run": ["anyOf": [ref("RunSummary"), ["type": "null"]]],
                "scheduling": ref("Scheduling"),
                "replica": ref("ReplicaStatus"),
            ]),
            "BackgroundStatus": object([
                "enabled": boolean,
                "clustering_in_progress": boolean,
                "unprocessed_messages": integer,
                "minutes_since_last_clustering": ["anyOf": [integer, ["type": "null"]]],
                "should_trigger_clustering": boolean,
                "trigger_reason": string,
                "configuration": object(["message_threshold": integer, "time_threshold_minutes": integer]),
                "latest_clustering_run": ["anyOf": [ref("RunSummary"), ["type": "null"]]],
                "operator": ref("OperatorStatus"),
            ]),
            "ForceResult": object([
                "success": boolean,
                "started": boolean,
                "follow_up_queued": boolean,
                "message": string,
            ]),
            "ForgetResult": object([
                "success": boolean,
                "analyses_erased": integer,
                "assignments_erased": integer,
                "clusters_scrubbed": integer,
            ]),
            "ClusterPathEntry": object([
                "stable_id": string,
                "name": string,
                "level": integer,
                "size": integer,
            ]),
            "ConversationPlacement": object([
                "conversation_id": string,
                "run_id": string,
                "provisional": boolean,
                "distance": nullable("number"),
                "assigned_at": ["anyOf": [dateTime, ["type": "null"]]],
                "path": ["type": "array", "items": ref("ClusterPathEntry")],
            ]),
            "RenameTopicRequest": object(
                [
                    "name": ["type": "string", "minLength": 1, "maxLength": curatedText],
                    "description": [
                        "type": ["string", "null"], "maxLength": curatedText,
                        "description": "Empty or absent: the run's own description",
                    ],
                ],
                required: ["name"]
            ),
            "MergeTopicRequest": object(
                [
                    "into": [
                        "type": "string", "minLength": 1, "maxLength": curatedText,
                        "description": "The surviving topic",
                    ]
                ]
            ),
            "CurationChange": object([
                "action": ["type": "string", "enum": CurationAction.allCases.map(\.rawValue)],
                "stable_id": string,
                "name": string,
                "description": string,
                "into_stable_id": string,
                "previous_name": string,
                "by": string,
                "at": dateTime,
            ]),
            "CurationResult": object([
                "success": boolean,
                "change": ref("CurationChange"),
                "message": string,
            ]),
            "TopicCuration": object([
                "stable_id": string,
                "name": nullable("string"),
                "description": nullable("string"),
                "merged_into": nullable("string"),
                "updated_by": string,
                "updated_at": dateTime,
            ]),
            "CurationLog": object([
                "topics": ["type": "array", "items": ref("TopicCuration")],
                "changes": ["type": "array", "items": ref("CurationChange")],
            ]),
            "TriggerResult": object([
                "success": boolean,
                "message_id": string,
                "outcome": ["type": "string", "enum": ["queued", "already_queued", "recorded"]],
                "queue_depth": integer,
                "message": string,
            ]),
            "Liveness": object(["status": ["type": "string", "const": "alive"]]),
            "ProbeChecks": object([
                "store": ["type": "string", "enum": ["ok", "unreachable"]],
                "accepting_work": ["type": "string", "enum": ["ok", "no"]],
            ]),
            "Readiness": object(["status": ["type": "string", "const": "ready"], "checks": ref("ProbeChecks")]),
            "NotReady": object(["detail": string, "checks": ref("ProbeChecks")]),
            "HTTPError": object(["detail": string]),
            "ValidationError": object(
                [
                    "loc": ["type": "array", "items": ["anyOf": [string, ["type": "integer"]]]],
                    "msg": string,
                    "type": string,
                    "input": [String: Any](),
                ],
                required: ["loc", "msg", "type"]
            ),
            "HTTPValidationError": object(["detail": ["type": "array", "items": ref("ValidationError")]]),
        ]
    }
}
