import ClusterdCore
import NIOCore

extension HTTPGatewayConfiguration {
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

    /// The gateway's settings, or nil when `CLUSTERD_HTTP_LISTEN` is unset or blank (the gateway stays off); the
    /// token is the RPC server's, set by the assembly.
    public init?(settings: SettingsReader) throws(SettingsError) {
        guard let (host, port) = try settings.addressOrPort(Self.listenKey) else { return nil }
        self.init(host: host, port: port, serverVersion: ClusterdVersion.current)
        if let value = try settings.number(Self.maxBodyKey, as: Int.self) { maxBodyBytes = value }
        if let value = try settings.number(Self.maxConnectionsKey, as: Int.self) { maxConnections = max(1, value) }
        if let value = try settings.seconds(Self.idleTimeoutKey) { idleTimeout = .milliseconds(Int64(value * 1000)) }
    }
}
