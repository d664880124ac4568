import ClusterdCore
import ClusterdService
import ClusterdStore
import Foundation

/// Everything the executable reads from flags, the environment and `.env` (real environment variables win over
/// `.env`; flags win over both).
struct ServerSettings {
    var listenHost = "127.0.0.1"
    var listenPort = 7420
    var token: String?
    var maxFrameBytes: UInt32 = 1 << 20
    var eventLoopThreads = 1
    var store = StoreConfiguration()
    var service = ServiceConfiguration()
    /// CLUSTERD_MODEL_DIR: the all-MiniLM-L6-v2 directory; nil searches the project's .venv.
    var modelDirectory: String?

    /// Reads the variables; `environment` is the merged `.env` + process environment.
    init(environment: [String: String]) throws {
        if let listen = environment["CLUSTERD_LISTEN"] { (listenHost, listenPort) = try Self.parseAddress(listen) }
        if let token = environment["CLUSTERD_TOKEN"], !token.isEmpty { self.token = token }
        if let value = environment["CLUSTERD_MAX_FRAME_BYTES"] {
            maxFrameBytes = try Self.number(value, "CLUSTERD_MAX_FRAME_BYTES")
        }
        if let value = environment["CLUSTERD_EVENT_LOOP_THREADS"] {
            eventLoopThreads = try Self.number(value, "CLUSTERD_EVENT_LOOP_THREADS")
        }
        if let uri = environment["MONGODB_URI"], !uri.isEmpty { store = StoreConfiguration(uri: uri) }
        if let name = environment["CLUSTERD_CONVERSATIONS_COLLECTION"] { store.conversationsCollection = name }
        if let name = environment["CLUSTERD_MESSAGES_COLLECTION"] { store.messagesCollection = name }
        if let value = environment["CLUSTERD_MONGO_POOL_SIZE"] {
            store.poolSize = try Self.number(value, "CLUSTERD_MONGO_POOL_SIZE")
        }

        if let value = environment["BACKGROUND_CLUSTERING_ENABLED"] {
            guard let enabled = DotEnv.bool(value) else {
                throw SettingsError("BACKGROUND_CLUSTERING_ENABLED must be true or false, not \(value)")
            }
            service.trigger.enabled = enabled
        }
        if let value = environment["CLUSTERING_MESSAGE_THRESHOLD"] {
            service.trigger.messageThreshold = try Self.number(value, "CLUSTERING_MESSAGE_THRESHOLD")
        }
        if let value = environment["CLUSTERING_TIME_THRESHOLD_MINUTES"] {
            service.trigger.timeThresholdMinutes = try Self.number(value, "CLUSTERING_TIME_THRESHOLD_MINUTES")
        }
        if let value = environment["CLUSTERD_ANALYSIS_WORKERS"] {
            service.analysisWorkers = max(1, try Self.number(value, "CLUSTERD_ANALYSIS_WORKERS"))
        }
        if let value = environment["CLUSTERD_QUEUE_CAPACITY"] {
            service.queueCapacity = max(1, try Self.number(value, "CLUSTERD_QUEUE_CAPACITY"))
        }
        if let value = environment["CLUSTERD_TICK_SECONDS"] {
            guard let seconds = Double(value), seconds > 0 else {
                throw SettingsError("CLUSTERD_TICK_SECONDS must be a positive number, not \(value)")
            }
            service.tickSeconds = seconds
        }
        if let value = environment["CLUSTERD_MAX_ATTEMPTS"] {
            service.maxAttempts = max(1, try Self.number(value, "CLUSTERD_MAX_ATTEMPTS"))
        }
        if let value = environment["CLUSTERD_FIXED_K"] {
            service.clustering.kRule = .fixed(max(1, try Self.number(value, "CLUSTERD_FIXED_K")))
        }
        if let value = environment["CLUSTERD_MIN_CLUSTER_SIZE"] {
            service.clustering.minClusterSize = max(1, try Self.number(value, "CLUSTERD_MIN_CLUSTER_SIZE"))
        }
        if let value = environment["CLUSTERD_MODEL_DIR"], !value.isEmpty { modelDirectory = value }
        service.version = clusterdVersion
        store.poolSize = max(store.poolSize, service.analysisWorkers + 3)
    }

    /// "host:port" → parts.
    static func parseAddress(_ text: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw SettingsError("address must be host:port, not \(text)")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }

    private static func number<T: FixedWidthInteger>(_ text: String, _ name: String) throws -> T {
        guard let value = T(text.trimmingCharacters(in: .whitespaces)), value >= 0 else {
            throw SettingsError("\(name) must be a non-negative integer, not \(text)")
        }
        return value
    }

    /// The process environment over the `.env` file's variables.
    static func mergedEnvironment(dotEnvPath: String) -> [String: String] {
        var merged: [String: String] = [:]
        if let text = try? String(contentsOfFile: dotEnvPath, encoding: .utf8) {
            merged = DotEnv.parse(text)
        }
        merged.merge(ProcessInfo.processInfo.environment) { _, real in real }
        return merged
    }
}

/// A configuration value that cannot be used.
struct SettingsError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The server's version string.
let clusterdVersion = "0.1.0"
