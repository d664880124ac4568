import Foundation

/// An HTTP response returned by ``CurlHTTPClient``, whatever its status.
public struct HTTPResponse: Sendable {
    /// The status code of the final response.
    public var status: Int
    /// Header fields by lower-cased name; repeated fields are joined with ", ".
    public var headers: [String: String]
    /// The body, decoded if the server compressed it.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of a header field, by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }
}
