import ClusterdCore

extension StoreConfiguration {
    /// `MONGODB_URI`.
    public static let uriKey = SettingKey(
        "MONGODB_URI",
        default: "mongodb://127.0.0.1:27017",
        "MongoDB connection string (a server, a replica set, Atlas); the database is the URI's path, `clusterd` when absent. `make run` starts the embedded server when unset."
    )
    /// `CLUSTERD_MESSAGES_COLLECTION`.
    public static let messagesKey = SettingKey(
        "CLUSTERD_MESSAGES_COLLECTION",
        default: "messages",
        "The host's messages collection (read only)."
    )
    /// `CLUSTERD_CONVERSATIONS_COLLECTION`.
    public static let conversationsKey = SettingKey(
        "CLUSTERD_CONVERSATIONS_COLLECTION",
        default: "conversations",
        "The host's conversations collection (read only)."
    )
    /// `CLUSTERD_MONGO_POOL_SIZE`.
    public static let poolSizeKey = SettingKey(
        "CLUSTERD_MONGO_POOL_SIZE",
        default: "8",
        "Pooled MongoDB connections; raised to the analysis workers + 4 when smaller."
    )
    /// `CLUSTERD_MONGO_SCAN_TIMEOUT_SECONDS`.
    public static let scanTimeoutKey = SettingKey(
        "CLUSTERD_MONGO_SCAN_TIMEOUT_SECONDS",
        default: "1800",
        "How long the catch-up sweep waits for a pass's first answer (its own connection; the embedded server takes minutes at a million messages)."
    )

    /// The store's keys, in the order they are documented.
    public static let settingKeys = [uriKey, messagesKey, conversationsKey, poolSizeKey, scanTimeoutKey]

    /// The store's settings from `settings`, defaults for the keys not set.
    public init(settings: SettingsReader) throws(SettingsError) {
        self.init()
        if let uri = settings.text(Self.uriKey) { self = StoreConfiguration(uri: uri) }
        if let name = settings.raw(Self.conversationsKey) { conversationsCollection = name }
        if let name = settings.raw(Self.messagesKey) { messagesCollection = name }
        if let size = try settings.number(Self.poolSizeKey, as: Int.self) { poolSize = size }
        if let seconds = try settings.seconds(Self.scanTimeoutKey) {
            scanTimeoutMS = Int32(min(seconds * 1000, Double(Int32.max)).rounded())
        }
    }
}
