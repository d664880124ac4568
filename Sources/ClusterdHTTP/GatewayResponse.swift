import Foundation
import NIOHTTP1

/// One HTTP response the gateway writes: status, headers and a body that is always sent whole with a
/// `content-length`.
struct GatewayResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: [(String, String)]
    var body: [UInt8]

    init(status: HTTPResponseStatus, contentType: String, body: [UInt8], headers: [(String, String)] = []) {
        self.status = status
        self.headers = [("content-type", contentType)] + headers
        self.body = body
    }

    /// JSON text as it is.
    static func jsonText(_ status: HTTPResponseStatus, _ text: String, headers: [(String, String)] = []) -> Self {
        GatewayResponse(status: status, contentType: "application/json", body: Array(text.utf8), headers: headers)
    }

    /// A JSON object (keys sorted, so equal inputs give equal bytes).
    static func json(_ status: HTTPResponseStatus, _ object: [String: Any], headers: [(String, String)] = []) -> Self {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return GatewayResponse(status: status, contentType: "application/json", body: Array(data), headers: headers)
    }

    /// FastAPI's error shape for an `HTTPException`: `{"detail": "..."}`.
    static func detail(_ status: HTTPResponseStatus, _ message: String, headers: [(String, String)] = []) -> Self {
        json(status, ["detail": message], headers: headers)
    }

    /// FastAPI's request validation error (422): `{"detail": [{"type", "loc", "msg", "input"}]}`.
    static func validationError(location: [String], message: String, type: String, input: String) -> Self {
        json(
            .unprocessableEntity,
            ["detail": [["type": type, "loc": location, "msg": message, "input": String(input.prefix(200))]]]
        )
    }
}
