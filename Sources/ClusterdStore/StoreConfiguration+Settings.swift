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

    /// The store's keys, in the order they are documented.
    public static let settingKeys = [uriKey, messagesKey, conversationsKey, poolSizeKey]

    /// The store's settings from `settings`, defaults for the keys not set.
    public init(settings: SettingsReader) throws(SettingsError) {
        self.init()
        if let uri = settings.text(Self.uriKey) { self = StoreConfiguration(uri: uri) }
        if let name = settings.raw(Self.conversationsKey) { conversationsCollection = name }
        if let name = settings.raw(Self.messagesKey) { messagesCollection = name }
        if let size = try settings.number(Self.poolSizeKey, as: Int.self) { poolSize = size }
    }
}
