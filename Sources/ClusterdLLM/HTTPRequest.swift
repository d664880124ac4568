import Foundation

/// An HTTP request for ``CurlHTTPClient``.
public struct HTTPRequest: Sendable {
    /// The method, such as `GET` or `POST`.
    public var method: String
    /// The absolute URL; `https`, or `http` to a loopback host only.
    public var url: String
    /// Header fields in the order they are sent.
    public var headers: [(String, String)]
    /// The body, sent with an explicit length; nil sends none.
    public var body: Data?

    /// Creates a request.
    public init(method: String = "GET", url: String, headers: [(String, String)] = [], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}
