import ClusterdCore
import ClusterdService
import Foundation

extension GatewayRouter {
    /// The most changes `GET /api/clustering/curation` returns (as ListCuration).
    static let maxCurationChanges = 1000
    /// The changes `GET /api/clustering/curation` returns without `limit` (as ListCuration's 0).
    static let defaultCurationChanges = 100

    /// Who a change made through the gateway is logged under: "token (http)" when the gateway has a token (the
    /// request passed its check before it got here), else "local (http)"; the RPC's rule, with "http" as the
    /// client's name.
    var curationAuthor: String { CurationChange.author(authenticated: token != nil, client: "http") }

    /// `POST /api/clustering/topics/{stable_id}/{action}`: the path id and the body (`{"name", "description"?}` for
    /// a rename, `{"into"}` for a merge, none for pin and unpin) validated on the event loop, the change carried out
    /// off it. Refusals: 422 for invalid input (including the service's: an empty name, a merge into itself), 404
    /// for a topic the latest successful run does not have, 503 when MongoDB is unreachable.
    func curate(rawStableID: Substring, action: CurationAction, body: [UInt8]) -> Outcome {
        let limit = BackgroundClusteringService.maxCuratedTextLength
        let request: CurationRequest
        let location: [String]
        let input: String
        do throws(PathRefusal) {
            let stableID = try Self.pathID(rawStableID, name: "stable_id", limit: limit).get()
            switch action {
            case .rename:
                let fields = try Self.jsonObject(body)
                let name = try Self.bodyText(fields, "name", required: true, limit: limit) ?? ""
                let description = try Self.bodyText(fields, "description", required: false, limit: limit) ?? ""
                request = CurationRequest(action: .rename, stableID: stableID, name: name, description: description)
                (location, input) = (["body", "name"], name)
            case .merge:
                let fields = try Self.jsonObject(body)
                let into = try Self.bodyText(fields, "into", required: true, limit: limit) ?? ""
                request = CurationRequest(action: .merge, stableID: stableID, intoStableID: into)
                (location, input) = (["body", "into"], into)
            case .pin, .unpin:
                request = CurationRequest(action: action, stableID: stableID)
                (location, input) = (["path", "stable_id"], stableID)
            }
        } catch {
            return .response(error.response)
        }
        let backend = self.backend
        let who = curationAuthor
        return .offLoop {
            do throws(ServiceError) {
                return .json(.ok, try backend.curate(request, by: who).jsonObject)
            } catch {
                return Self.refusal(error, location: location, input: input)
            }
        }
    }

    /// `GET /api/clustering/curation[?stable_id=ID][&limit=N]`: the curated topics and the curation log, newest
    /// first (of one topic with `stable_id`; `limit` 1 to 1,000 changes, 100 when absent), read off the event loop.
    func curationLog(query: Substring) -> Outcome {
        let parameters = Self.queryParameters(query)
        var stableID: String?
        var limit = Self.defaultCurationChanges
        if let raw = parameters["stable_id"] {
            let location = ["query", "stable_id"]
            switch Self.validatedText(raw, location: location, limit: BackgroundClusteringService.maxCuratedTextLength)
            {
            case .success(let id): stableID = id
            case .failure(let refusal): return .response(refusal.response)
            }
        }
        if let raw = parameters["limit"] {
            guard let value = Int(raw), (1...Self.maxCurationChanges).contains(value) else {
                return .response(
                    .validationError(
                        location: ["query", "limit"],
                        message: "Input should be an integer from 1 to \(Self.maxCurationChanges)",
                        type: "int_parsing",
                        input: raw
                    )
                )
            }
            limit = value
        }
        let backend = self.backend
        return .offLoop { [stableID, limit] in
            do throws(ServiceError) {
                return .json(.ok, try backend.curationLog(stableID: stableID, limit: limit).jsonObject)
            } catch {
                return Self.refusal(error, location: ["query", "stable_id"], input: stableID ?? "")
            }
        }
    }

    /// The request body as a JSON object; FastAPI's 422 for a missing body, malformed JSON or another JSON value.
    static func jsonObject(_ body: [UInt8]) throws(PathRefusal) -> [String: Any] {
        guard !body.isEmpty else {
            throw PathRefusal(
                response: .validationError(location: ["body"], message: "Field required", type: "missing", input: "")
            )
        }
        guard let value = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) else {
            throw PathRefusal(
                response: .validationError(
                    location: ["body"],
                    message: "JSON decode error",
                    type: "json_invalid",
                    input: String(decoding: body.prefix(200), as: UTF8.self)
                )
            )
        }
        guard let object = value as? [String: Any] else {
            throw PathRefusal(
                response: .validationError(
                    location: ["body"],
                    message: "Input should be a valid dictionary or object to extract fields from",
                    type: "model_attributes_type",
                    input: "\(value)"
                )
            )
        }
        return object
    }

    /// The string field `name` of a body object: nil when absent and not `required`; FastAPI's 422 when a required
    /// field is missing, the value is not a string (null counts as absent for an optional field) or it is not 1 to
    /// `limit` characters (an optional field may be empty).
    static func bodyText(
        _ object: [String: Any],
        _ name: String,
        required: Bool,
        limit: Int
    ) throws(PathRefusal) -> String? {
        let location = ["body", name]
        let value = object[name]
        if value == nil || (!required && value is NSNull) {
            guard required else { return nil }
            throw PathRefusal(
                response: .validationError(location: location, message: "Field required", type: "missing", input: "")
            )
        }
        // JSONSerialization gives strings as NSString; a number or a boolean is not one.
        guard let text = value as? String, !(value is NSNumber) else {
            throw PathRefusal(
                response: .validationError(
                    location: location,
                    message: "Input should be a valid string",
                    type: "string_type",
                    input: "\(value ?? "")"
                )
            )
        }
        if !required && text.isEmpty { return text }
        return try validatedText(text, location: location, limit: limit).get()
    }
}
