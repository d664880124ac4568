import ClusterdCore
import NIOCore

extension RPCServer.Configuration {
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
        "Require a Hello with this token (RPC) and `Authorization: Bearer` with it (HTTP API and /metrics); at least 32 bytes. Prefer `CLUSTERD_TOKEN_FILE`."
    )
    /// `CLUSTERD_TOKEN_FILE`.
    public static let tokenFileKey = SettingKey(
        "CLUSTERD_TOKEN_FILE",
        default: "",
        "Read the token from this file (trailing line breaks dropped; `--token-file` overrides it), so it shows neither in `ps` nor in the environment. Not together with `CLUSTERD_TOKEN`."
    )
    /// `CLUSTERD_ALLOW_INSECURE`.
    public static let allowInsecureKey = SettingKey(
        "CLUSTERD_ALLOW_INSECURE",
        default: "0",
        "`1` lets the server listen on a non-loopback address (RPC or HTTP) without a token; otherwise it refuses to start."
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
        "A frame must arrive whole within this time of its first byte (paused while the server itself holds reads back)."
    )
    /// `CLUSTERD_HELLO_DEADLINE_SECONDS`.
    public static let helloDeadlineKey = SettingKey(
        "CLUSTERD_HELLO_DEADLINE_SECONDS",
        default: "5",
        "An RPC connection's first frame (the Hello) must arrive whole within this time of connecting, else it is closed."
    )
    /// `CLUSTERD_RPC_READ_QUEUE`.
    public static let readQueueKey = SettingKey(
        "CLUSTERD_RPC_READ_QUEUE",
        default: "256",
        "RPC calls that read MongoDB (ListClusters, ListRuns, GetConversationCluster, ForgetMessages), over all connections, queued or running at once (as many as one connection may have in flight); beyond it RESOURCE_EXHAUSTED. Calls of a closed connection are dropped."
    )
    /// `CLUSTERD_LIST_PAGE_SIZE`.
    public static let listPageSizeKey = SettingKey(
        "CLUSTERD_LIST_PAGE_SIZE",
        default: "1000",
        "Most clusters or runs in one ListClusters/ListRuns reply; the rest follow by page token."
    )
    /// `CLUSTERD_MAX_REPLY_BYTES`.
    public static let maxReplyKey = SettingKey(
        "CLUSTERD_MAX_REPLY_BYTES",
        default: "1048576",
        "Largest ListClusters/ListRuns reply; a page ends before it would exceed this (the clients refuse replies over 1 MiB)."
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
        listenKey, tokenKey, tokenFileKey, allowInsecureKey, maxFrameKey, eventLoopThreadsKey, maxConnectionsKey,
        maxInFlightKey, frameDeadlineKey, helloDeadlineKey,
        idleTimeoutKey, writeStallKey, readQueueKey, listPageSizeKey, maxReplyKey,
    ]

    /// The RPC server's settings from `settings`, defaults for the keys not set; the version is the server's.
    public init(settings: SettingsReader) throws(SettingsError) {
        self.init(serverVersion: ClusterdVersion.current)
        if let (host, port) = try settings.address(Self.listenKey) { (self.host, self.port) = (host, port) }
        token = try Self.token(settings)
        if let value = try settings.number(Self.maxFrameKey, as: UInt32.self) { maxFrameBytes = value }
        if let value = try settings.number(Self.eventLoopThreadsKey, as: Int.self) { eventLoopThreads = value }
        if let value = try settings.number(Self.maxConnectionsKey, as: Int.self) { maxConnections = max(1, value) }
        if let value = try settings.number(Self.maxInFlightKey, as: Int.self) {
            maxInFlightPerConnection = max(1, value)
        }
        if let value = try settings.seconds(Self.frameDeadlineKey) { frameDeadline = Self.timeAmount(value) }
        if let value = try settings.seconds(Self.helloDeadlineKey) { helloDeadline = Self.timeAmount(value) }
        if let value = try settings.number(Self.readQueueKey, as: Int.self) { readQueueLimit = max(1, value) }
        if let value = try settings.number(Self.listPageSizeKey, as: Int.self) { listPageSize = max(1, value) }
        if let value = try settings.number(Self.maxReplyKey, as: Int.self) { maxReplyBytes = max(4096, value) }
        if let value = try settings.seconds(Self.idleTimeoutKey) { idleTimeout = Self.timeAmount(value) }
        if let value = try settings.seconds(Self.writeStallKey) { writeStallTimeout = Self.timeAmount(value) }
    }

    /// The token from `CLUSTERD_TOKEN` or the file `CLUSTERD_TOKEN_FILE` names (not both), nil when neither is
    /// set; one shorter than `TokenFile.minimumBytes` is refused.
    private static func token(_ settings: SettingsReader) throws(SettingsError) -> String? {
        let inline = settings.raw(tokenKey).flatMap { $0.isEmpty ? nil : $0 }
        let file = settings.text(tokenFileKey)
        if inline != nil, file != nil {
            throw SettingsError("set \(tokenKey.name) or \(tokenFileKey.name), not both")
        }
        var token = inline
        if let file { token = try TokenFile.read(file, source: tokenFileKey.name) }
        if let token, token.utf8.count < TokenFile.minimumBytes {
            let source = file == nil ? tokenKey.name : tokenFileKey.name
            throw SettingsError(
                "the token (\(source)) is \(token.utf8.count) bytes; at least \(TokenFile.minimumBytes) are required "
                    + "(for example: openssl rand -hex 32)"
            )
        }
        return token
    }

    /// Seconds as whole milliseconds.
    private static func timeAmount(_ seconds: Double) -> TimeAmount {
        .milliseconds(Int64(seconds * 1000))
    }
}
