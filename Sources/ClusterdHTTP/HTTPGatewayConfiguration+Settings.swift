import ClusterdCore
import Foundation
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
        "Open HTTP connections served every endpoint; beyond it a connection is served the probes only."
    )
    /// `CLUSTERD_HTTP_PROBE_CONNECTIONS`.
    public static let probeConnectionsKey = SettingKey(
        "CLUSTERD_HTTP_PROBE_CONNECTIONS",
        default: "16",
        "HTTP connections beyond `CLUSTERD_HTTP_MAX_CONNECTIONS` served `/livez`, `/readyz` and `/metrics` only (one request, sent within 2 s); beyond both a new one gets 503."
    )
    /// `CLUSTERD_HTTP_REQUEST_DEADLINE_SECONDS`.
    public static let requestDeadlineKey = SettingKey(
        "CLUSTERD_HTTP_REQUEST_DEADLINE_SECONDS",
        default: "10",
        "An HTTP request (head and body) must arrive whole within this time from its first byte, else the connection is closed."
    )
    /// `CLUSTERD_HTTP_WRITE_STALL_SECONDS`.
    public static let writeStallKey = SettingKey(
        "CLUSTERD_HTTP_WRITE_STALL_SECONDS",
        default: "30",
        "An HTTP connection whose peer does not read its responses for this long is closed (reading it stops once 256 KiB wait)."
    )
    /// `CLUSTERD_HTTP_ALLOWED_HOSTS`.
    public static let allowedHostsKey = SettingKey(
        "CLUSTERD_HTTP_ALLOWED_HOSTS",
        default: "",
        "Comma-separated Host names the HTTP gateway answers besides IP literals, `localhost` and the bound name (`*`: any); others get 403 (DNS rebinding)."
    )
    /// `CLUSTERD_HTTP_ALLOWED_ORIGINS`.
    public static let allowedOriginsKey = SettingKey(
        "CLUSTERD_HTTP_ALLOWED_ORIGINS",
        default: "",
        "Comma-separated origins (`https://app.example`) allowed to call the HTTP gateway besides the same origin (`*`: any); a request from another gets 403."
    )
    /// `CLUSTERD_HTTP_IDLE_TIMEOUT_SECONDS`.
    public static let idleTimeoutKey = SettingKey(
        "CLUSTERD_HTTP_IDLE_TIMEOUT_SECONDS",
        default: "60",
        "An HTTP connection that sends nothing for this long is closed."
    )

    /// The gateway's keys, in the order they are documented.
    public static let settingKeys = [
        listenKey, maxBodyKey, maxConnectionsKey, probeConnectionsKey, idleTimeoutKey, requestDeadlineKey,
        writeStallKey, allowedHostsKey, allowedOriginsKey,
    ]

    /// The gateway's settings, or nil when `CLUSTERD_HTTP_LISTEN` is unset or blank (the gateway stays off); the
    /// token is the RPC server's, set by the assembly.
    public init?(settings: SettingsReader) throws(SettingsError) {
        // Every key is read (and a bad value refused) even while the gateway is off.
        var configuration = HTTPGatewayConfiguration(serverVersion: ClusterdVersion.current)
        if let value = try settings.number(Self.maxBodyKey, as: Int.self) { configuration.maxBodyBytes = value }
        if let value = try settings.number(Self.maxConnectionsKey, as: Int.self) {
            configuration.maxConnections = max(1, value)
        }
        if let value = try settings.seconds(Self.idleTimeoutKey) {
            configuration.idleTimeout = .milliseconds(Int64(value * 1000))
        }
        if let value = try settings.number(Self.probeConnectionsKey, as: Int.self) {
            configuration.probeConnections = max(1, value)
        }
        if let value = try settings.milliseconds(Self.requestDeadlineKey) {
            configuration.requestDeadline = .milliseconds(Int64(value))
        }
        if let value = try settings.milliseconds(Self.writeStallKey) {
            configuration.writeStallTimeout = .milliseconds(Int64(value))
        }
        configuration.allowedHosts = Self.list(settings.text(Self.allowedHostsKey))
        configuration.allowedOrigins = Self.list(settings.text(Self.allowedOriginsKey))
        guard let (host, port) = try settings.addressOrPort(Self.listenKey) else { return nil }
        configuration.host = host
        configuration.port = port
        self = configuration
    }

    /// The items of a comma-separated value, trimmed, blanks dropped.
    static func list(_ value: String?) -> [String] {
        (value ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
