import ClusterdCore
import NIOHTTP1

/// The gateway's endpoints and what each accepts.
enum GatewayEndpoint: Equatable {
    /// `GET /api/clustering/background-status`.
    case status
    /// `POST /api/clustering/background-force`.
    case force
    /// `POST /api/messages/{message_id}/trigger-analysis`, with the id as it appears in the path (percent-encoded).
    case trigger(rawMessageID: Substring)
    /// `POST /api/messages/{message_id}/forget`, with the id as it appears in the path (percent-encoded).
    case forgetMessage(rawMessageID: Substring)
    /// `POST /api/conversations/{conversation_id}/forget`, with the id as it appears in the path.
    case forgetConversation(rawConversationID: Substring)
    /// `GET /api/conversations/{conversation_id}/cluster`, with the id as it appears in the path.
    case conversationCluster(rawConversationID: Substring)
    /// `POST /api/clustering/topics/{stable_id}/{rename|pin|unpin|merge}`, with the id as it appears in the path.
    case curateTopic(rawStableID: Substring, action: CurationAction)
    /// `GET /api/clustering/curation`: the curated topics and the curation log.
    case curationLog
    /// `GET /openapi.json`.
    case openAPI
    /// `GET /livez`.
    case livez
    /// `GET /readyz`.
    case readyz
    /// `GET /metrics`.
    case metrics
    /// `GET /report`: the topic report, one self-contained HTML page.
    case report

    /// The endpoint a request path names (query and fragment already removed); nil for an unknown path.
    init?(path: Substring) {
        switch path {
        case "/api/clustering/background-status": self = .status
        case "/api/clustering/background-force": self = .force
        case "/api/clustering/curation": self = .curationLog
        case "/openapi.json": self = .openAPI
        case "/livez": self = .livez
        case "/readyz": self = .readyz
        case "/metrics": self = .metrics
        case "/report": self = .report
        default:
            let segments = path.split(separator: "/", omittingEmptySubsequences: false)
            if segments.count == 6, segments[0].isEmpty, segments[1] == "api", segments[2] == "clustering",
                segments[3] == "topics", let action = CurationAction(rawValue: String(segments[5]))
            {
                self = .curateTopic(rawStableID: segments[4], action: action)
                return
            }
            guard segments.count == 5, segments[0].isEmpty, segments[1] == "api" else { return nil }
            switch (segments[2], segments[4]) {
            case ("messages", "trigger-analysis"): self = .trigger(rawMessageID: segments[3])
            case ("messages", "forget"): self = .forgetMessage(rawMessageID: segments[3])
            case ("conversations", "forget"): self = .forgetConversation(rawConversationID: segments[3])
            case ("conversations", "cluster"): self = .conversationCluster(rawConversationID: segments[3])
            default: return nil
            }
        }
    }

    /// The methods it answers (a GET endpoint answers HEAD too, as Starlette's do).
    var methods: [HTTPMethod] {
        switch self {
        case .status, .conversationCluster, .curationLog, .openAPI, .livez, .readyz, .metrics, .report:
            return [.GET, .HEAD]
        case .force, .trigger, .forgetMessage, .forgetConversation, .curateTopic: return [.POST]
        }
    }

    /// True when the bearer token (if the server has one) is required. The probes and the OpenAPI document are
    /// open, as an orchestrator's probes and API tooling expect.
    var requiresToken: Bool {
        switch self {
        case .status, .force, .trigger, .forgetMessage, .forgetConversation, .conversationCluster, .curateTopic,
            .curationLog, .metrics, .report:
            return true
        case .openAPI, .livez, .readyz: return false
        }
    }

    /// True for what monitoring calls (`/livez`, `/readyz`, `/metrics`): answered on a connection beyond the data
    /// places too.
    var isProbe: Bool {
        switch self {
        case .livez, .readyz, .metrics: return true
        case .status, .force, .trigger, .forgetMessage, .forgetConversation, .conversationCluster, .curateTopic,
            .curationLog, .openAPI, .report:
            return false
        }
    }

    /// True when the Host and Origin checks apply: everything but the liveness and readiness probes, which an
    /// orchestrator sends with whatever Host it likes and which reveal nothing.
    var checksHostAndOrigin: Bool {
        switch self {
        case .livez, .readyz: return false
        case .status, .force, .trigger, .forgetMessage, .forgetConversation, .conversationCluster, .curateTopic,
            .curationLog, .openAPI, .metrics, .report:
            return true
        }
    }
}
