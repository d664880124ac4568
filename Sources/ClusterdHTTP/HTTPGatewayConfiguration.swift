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
    /// Most open connections served every endpoint; beyond it a connection is served the probes only.
    public var maxConnections: Int
    /// Connections beyond `maxConnections` served `/livez`, `/readyz` and `/metrics` only (one request each, with
    /// at most `probeRequestDeadline` for it), so clients holding every data place cannot lock the probes out;
    /// beyond both a new connection gets 503 and is closed.
    public var probeConnections: Int
    /// A request (head and body) must arrive whole within this time from its first byte, else the connection is
    /// closed.
    public var requestDeadline: TimeAmount
    /// A connection whose peer does not read its responses for this long is closed (reading it stops as soon as its
    /// outbound buffer is over the high water mark).
    public var writeStallTimeout: TimeAmount
    /// Host names allowed besides IP literals, `localhost` and the bound host (`*`: any).
    public var allowedHosts: [String]
    /// Origins (`https://app.example`) allowed besides the same origin (`*`: any).
    public var allowedOrigins: [String]
    /// A connection that sends nothing for this long is closed (keep-alive connections included).
    public var idleTimeout: TimeAmount
    /// The server's version (the OpenAPI document's `info.version`).
    public var serverVersion: String
    /// On graceful shutdown, how long connections may take to finish their responses before they are closed.
    public var drainTimeout: Duration
    /// When set, connections are HTTPS with this (reloadable) context, the RPC server's.
    public var tls: ServerTLSContext?

    /// The request deadline of a connection served the probes only: a probe sends its request at once.
    var probeRequestDeadline: TimeAmount { min(requestDeadline, .seconds(2)) }

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        token: String? = nil,
        maxBodyBytes: Int = 64 * 1024,
        maxHeaderBytes: Int = 16 * 1024,
        maxConnections: Int = 256,
        probeConnections: Int = 16,
        requestDeadline: TimeAmount = .seconds(10),
        writeStallTimeout: TimeAmount = .seconds(30),
        allowedHosts: [String] = [],
        allowedOrigins: [String] = [],
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
        self.probeConnections = max(1, probeConnections)
        self.requestDeadline = requestDeadline
        self.writeStallTimeout = writeStallTimeout
        self.allowedHosts = allowedHosts
        self.allowedOrigins = allowedOrigins
        self.idleTimeout = idleTimeout
        self.serverVersion = serverVersion
        self.drainTimeout = drainTimeout
    }
}
