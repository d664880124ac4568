import ClusterdCore

/// The RPC listener: address, token and the limits each connection is held to.
public struct ListenerSettings: Sendable, Equatable {
    /// `CLUSTERD_LISTEN`.
    public static let listenKey = SettingKey(
        "CLUSTERD_LISTEN",
        default: "127.0.0.1:7420",
        "The RPC address, host:port (`--listen` overrides it)."
    )
    /// `CLUSTERD_TOKEN`.
    public static let tokenKey = SettingKey(
        "CLUSTERD_TOKEN",
        default: "",
        "Require a Hello with this token (RPC) and `Authorization: Bearer` with it (HTTP API and /metrics)."
    )
    /// `CLUSTERD_MAX_FRAME_BYTES`.
    public static let maxFrameKey = SettingKey(
        "CLUSTERD_MAX_FRAME_BYTES",
        default: "1048576",
        "Largest frame accepted; a larger one gets INVALID_ARGUMENT and the connection is closed."
    )
    /// `CLUSTERD_EVENT_LOOP_THREADS`.
    public static let eventLoopThreadsKey = SettingKey(
        "CLUSTERD_EVENT_LOOP_THREADS",
        default: "1",
        "SwiftNIO event loop threads of the RPC server."
    )
    /// `CLUSTERD_MAX_CONNECTIONS`.
    public static let maxConnectionsKey = SettingKey(
        "CLUSTERD_MAX_CONNECTIONS",
        default: "1024",
        "Open RPC connections; beyond it a new one gets RESOURCE_EXHAUSTED and is closed."
    )
    /// `CLUSTERD_MAX_IN_FLIGHT`.
    public static let maxInFlightKey = SettingKey(
        "CLUSTERD_MAX_IN_FLIGHT",
        default: "256",
        "Calls awaiting replies per connection; then the server stops reading it until replies drain."
    )
    /// `CLUSTERD_FRAME_DEADLINE_SECONDS`.
    public static let frameDeadlineKey = SettingKey(
        "CLUSTERD_FRAME_DEADLINE_SECONDS",
        default: "10",
        "A frame must arrive whole within this time of its first byte."
    )
    /// `CLUSTERD_IDLE_TIMEOUT_SECONDS`.
    public static let idleTimeoutKey = SettingKey(
        "CLUSTERD_IDLE_TIMEOUT_SECONDS",
        default: "600",
        "An RPC connection with no call for this long is closed."
    )
    /// `CLUSTERD_WRITE_STALL_SECONDS`.
    public static let writeStallKey = SettingKey(
        "CLUSTERD_WRITE_STALL_SECONDS",
        default: "30",
        "A peer that does not read its replies for this long is closed."
    )

    /// The listener's keys, in the order they are documented.
    public static let settingKeys = [
        listenKey, tokenKey, maxFrameKey, eventLoopThreadsKey, maxConnectionsKey, maxInFlightKey, frameDeadlineKey,
        idleTimeoutKey, writeStallKey,
    ]

    /// Address to bind.
    public var host = "127.0.0.1"
    /// Port to bind; 0 picks a free one.
    public var port = 7420
    /// The token a Hello must carry; nil: no authentication.
    public var token: String?
    /// Largest frame accepted.
    public var maxFrameBytes: UInt32 = 1 << 20
    /// Event loop threads.
    public var eventLoopThreads = 1
    /// Most open connections.
    public var maxConnections = 1024
    /// Most calls awaiting replies per connection.
    public var maxInFlightPerConnection = 256
    /// Seconds a frame may take to arrive whole.
    public var frameDeadlineSeconds = 10.0
    /// Seconds an idle connection is kept.
    public var idleTimeoutSeconds = 600.0
    /// Seconds a peer may leave its replies unread.
    public var writeStallSeconds = 30.0

    /// The defaults.
    public init() {}

    /// The listener's settings from `settings`, defaults for the keys not set.
    public init(settings: SettingsReader) throws(SettingsError) {
        if let listen = settings.raw(Self.listenKey) { (host, port) = try Self.parseAddress(listen) }
        token = settings.raw(Self.tokenKey).flatMap { $0.isEmpty ? nil : $0 }
        if let value = try settings.number(Self.maxFrameKey, as: UInt32.self) { maxFrameBytes = value }
        if let value = try settings.number(Self.eventLoopThreadsKey, as: Int.self) { eventLoopThreads = value }
        if let value = try settings.number(Self.maxConnectionsKey, as: Int.self) { maxConnections = max(1, value) }
        if let value = try settings.number(Self.maxInFlightKey, as: Int.self) {
            maxInFlightPerConnection = max(1, value)
        }
        if let value = try settings.seconds(Self.frameDeadlineKey) { frameDeadlineSeconds = value }
        if let value = try settings.seconds(Self.idleTimeoutKey) { idleTimeoutSeconds = value }
        if let value = try settings.seconds(Self.writeStallKey) { writeStallSeconds = value }
    }

    /// "host:port" → parts; an empty host is loopback, `[v6]` loses its brackets.
    static func parseAddress(_ text: String) throws(SettingsError) -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw SettingsError("address must be host:port, not \(text)")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }
}
