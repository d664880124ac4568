/// Limits and identity for ``CurlHTTPClient``.
public struct HTTPClientConfiguration: Sendable {
    /// Longest time to establish the TCP (and TLS) connection, in milliseconds.
    public var connectTimeoutMilliseconds: Int
    /// Longest time for a whole request, connection to last response byte, in milliseconds.
    public var totalTimeoutMilliseconds: Int
    /// Largest response body accepted; a bigger one is aborted with ``HTTPError/Code-swift.struct/tooLarge``.
    public var maxResponseBytes: Int
    /// The `User-Agent` header sent with every request.
    public var userAgent: String

    /// Creates a configuration; every field has a default.
    public init(
        connectTimeoutMilliseconds: Int = 5_000,
        totalTimeoutMilliseconds: Int = 30_000,
        maxResponseBytes: Int = 8 * 1024 * 1024,
        userAgent: String = "clusterd"
    ) {
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.totalTimeoutMilliseconds = totalTimeoutMilliseconds
        self.maxResponseBytes = maxResponseBytes
        self.userAgent = userAgent
    }
}
