import ClusterdNetworking
import NIOCore

/// Settings of the HTTP gateway.
public struct HTTPGatewayConfiguration: Sendable, Equatable {
    /// Address to bind (loopback unless told otherwise).
    public var host: String
    /// Port to bind; 0 picks a free one.
    public var port: Int
    /// When set, the API endpoints and /metrics require `Authorization: Bearer <token>` (the RPC's token).
    public var token: String?
    /// Largest request body accepted; a larger one gets 413 and the connection is closed.
    public var maxBodyBytes: Int
    /// Largest request head (request line and headers); a larger one gets 400 and the connection is closed.
    public var maxHeaderBytes: Int
    /// Most open connections; beyond it a new connection gets 503 and is closed.
    public var maxConnections: Int
    /// A connection that sends nothing for this long is closed (keep-alive connections included).
    public var idleTimeout: TimeAmount
    /// The server's version (the OpenAPI document's `info.version`).
    public var serverVersion: String
    /// On graceful shutdown, how long connections may take to finish their responses before they are closed.
    public var drainTimeout: Duration
    /// When set, connections are HTTPS with this (reloadable) context, the RPC server's.
    public var tls: ServerTLSContext?

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        token: String? = nil,
        maxBodyBytes: Int = 64 * 1024,
        maxHeaderBytes: Int = 16 * 1024,
        maxConnections: Int = 256,
        idleTimeout: TimeAmount = .seconds(60),
        serverVersion: String = "0.0.0",
        drainTimeout: Duration = .seconds(5)
    ) {
        self.host = host
        self.port = port
        self.token = token
        self.maxBodyBytes = max(0, maxBodyBytes)
        self.maxHeaderBytes = max(1024, maxHeaderBytes)
        self.maxConnections = max(1, maxConnections)
        self.idleTimeout = idleTimeout
        self.serverVersion = serverVersion
        self.drainTimeout = drainTimeout
    }
}
