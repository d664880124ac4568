import ClusterdCore

/// The optional HTTP gateway: address and limits.
public struct GatewaySettings: Sendable, Equatable {
    /// `CLUSTERD_HTTP_LISTEN`.
    public static let listenKey = SettingKey(
        "CLUSTERD_HTTP_LISTEN",
        default: "",
        "Turns on the HTTP gateway (seed REST endpoints, /openapi.json, /livez, /readyz, /metrics): `8080` or `:8080` is loopback, `0.0.0.0:8080` all interfaces."
    )
    /// `CLUSTERD_HTTP_MAX_BODY_BYTES`.
    public static let maxBodyKey = SettingKey(
        "CLUSTERD_HTTP_MAX_BODY_BYTES",
        default: "65536",
        "Largest request body; a larger one gets 413."
    )
    /// `CLUSTERD_HTTP_MAX_CONNECTIONS`.
    public static let maxConnectionsKey = SettingKey(
        "CLUSTERD_HTTP_MAX_CONNECTIONS",
        default: "256",
        "Open HTTP connections; beyond it a new one gets 503."
    )
    /// `CLUSTERD_HTTP_IDLE_TIMEOUT_SECONDS`.
    public static let idleTimeoutKey = SettingKey(
        "CLUSTERD_HTTP_IDLE_TIMEOUT_SECONDS",
        default: "60",
        "An HTTP connection that sends nothing for this long is closed."
    )

    /// The gateway's keys, in the order they are documented.
    public static let settingKeys = [listenKey, maxBodyKey, maxConnectionsKey, idleTimeoutKey]

    /// Address to bind.
    public var host: String
    /// Port to bind; 0 picks a free one.
    public var port: Int
    /// Largest request body.
    public var maxBodyBytes = 64 * 1024
    /// Most open connections.
    public var maxConnections = 256
    /// Seconds an idle connection is kept.
    public var idleTimeoutSeconds = 60.0

    /// A gateway on `host:port` with default limits.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// The gateway's settings, or nil when `CLUSTERD_HTTP_LISTEN` is unset or blank (the gateway stays off).
    public init?(settings: SettingsReader) throws(SettingsError) {
        guard let listen = settings.text(Self.listenKey) else { return nil }
        (host, port) = try Self.parseAddress(listen)
        if let value = try settings.number(Self.maxBodyKey, as: Int.self) { maxBodyBytes = value }
        if let value = try settings.number(Self.maxConnectionsKey, as: Int.self) { maxConnections = max(1, value) }
        if let value = try settings.seconds(Self.idleTimeoutKey) { idleTimeoutSeconds = value }
    }

    /// `host:port`, `:port` or `port`; the host defaults to loopback.
    static func parseAddress(_ text: String) throws(SettingsError) -> (String, Int) {
        if let port = Int(text) {
            guard (0...65535).contains(port) else { throw SettingsError("\(listenKey.name): bad port \(text)") }
            return ("127.0.0.1", port)
        }
        do {
            return try ListenerSettings.parseAddress(text)
        } catch {
            throw SettingsError("\(listenKey.name) must be host:port, :port or port, not \(text)")
        }
    }
}
