import ClusterdCore
import ClusterdLLM
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
    var maxConnections = 1024
    var maxInFlightPerConnection = 256
    var frameDeadlineSeconds = 10.0
    var idleTimeoutSeconds = 600.0
    var writeStallSeconds = 30.0
    var store = StoreConfiguration()
    var service = ServiceConfiguration()
    /// CLUSTERD_MODEL_DIR: the all-MiniLM-L6-v2 directory; nil searches the project's .venv.
    var modelDirectory: String?
    /// `CLUSTERD_HTTP_LISTEN`: the HTTP gateway's address; nil leaves the gateway off.
    var httpListen: (host: String, port: Int)?
    /// `CLUSTERD_HTTP_MAX_BODY_BYTES`, `CLUSTERD_HTTP_MAX_CONNECTIONS`, `CLUSTERD_HTTP_IDLE_TIMEOUT_SECONDS`.
    var httpMaxBodyBytes = 64 * 1024
    var httpMaxConnections = 256
    var httpIdleTimeoutSeconds = 60.0
    /// `CLUSTERD_METRICS`: record and export metrics (on by default; `off` for a comparison without them).
    var metricsEnabled = true
    /// `CLUSTERD_LOG_FORMAT`: the seed's text lines, or one JSON object per line.
    var logFormat = LogFormat.text
    /// Values that must never reach the log: the token, API keys, passwords (in variables and in the URI).
    var secrets: [String] = []

    /// How log lines are written.
    enum LogFormat: String {
        case text
        case json
    }

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
        if let value = environment["CLUSTERD_MAX_CONNECTIONS"] {
            maxConnections = max(1, try Self.number(value, "CLUSTERD_MAX_CONNECTIONS"))
        }
        if let value = environment["CLUSTERD_MAX_IN_FLIGHT"] {
            maxInFlightPerConnection = max(1, try Self.number(value, "CLUSTERD_MAX_IN_FLIGHT"))
        }
        if let value = environment["CLUSTERD_FRAME_DEADLINE_SECONDS"] {
            frameDeadlineSeconds = try Self.seconds(value, "CLUSTERD_FRAME_DEADLINE_SECONDS")
        }
        if let value = environment["CLUSTERD_IDLE_TIMEOUT_SECONDS"] {
            idleTimeoutSeconds = try Self.seconds(value, "CLUSTERD_IDLE_TIMEOUT_SECONDS")
        }
        if let value = environment["CLUSTERD_WRITE_STALL_SECONDS"] {
            writeStallSeconds = try Self.seconds(value, "CLUSTERD_WRITE_STALL_SECONDS")
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
            service.tickSeconds = try Self.seconds(value, "CLUSTERD_TICK_SECONDS")
        }
        if let value = environment["CLUSTERD_FULL_SWEEP_SECONDS"] {
            service.fullSweepSeconds = try Self.seconds(value, "CLUSTERD_FULL_SWEEP_SECONDS")
        }
        if let value = environment["CLUSTERD_MAX_ATTEMPTS"] {
            service.maxAttempts = max(1, try Self.number(value, "CLUSTERD_MAX_ATTEMPTS"))
        }
        // Empty or 0: no fixed k, the silhouette rule chooses.
        if let value = environment["CLUSTERD_FIXED_K"], !value.trimmingCharacters(in: .whitespaces).isEmpty {
            let k: Int = try Self.number(value, "CLUSTERD_FIXED_K")
            if k > 0 { service.clustering.kRule = .fixed(k) }
        }
        if let value = environment["CLUSTERD_MIN_CLUSTER_SIZE"] {
            service.clustering.minClusterSize = max(1, try Self.number(value, "CLUSTERD_MIN_CLUSTER_SIZE"))
        }
        service.anthropic = try Self.anthropic(environment)
        if let value = environment["CLUSTERD_MODEL_DIR"], !value.isEmpty { modelDirectory = value }
        if let value = environment["CLUSTERD_HTTP_LISTEN"], !value.trimmingCharacters(in: .whitespaces).isEmpty {
            httpListen = try Self.parseHTTPAddress(value)
        }
        if let value = environment["CLUSTERD_HTTP_MAX_BODY_BYTES"] {
            httpMaxBodyBytes = try Self.number(value, "CLUSTERD_HTTP_MAX_BODY_BYTES")
        }
        if let value = environment["CLUSTERD_HTTP_MAX_CONNECTIONS"] {
            httpMaxConnections = max(1, try Self.number(value, "CLUSTERD_HTTP_MAX_CONNECTIONS"))
        }
        if let value = environment["CLUSTERD_HTTP_IDLE_TIMEOUT_SECONDS"] {
            httpIdleTimeoutSeconds = try Self.seconds(value, "CLUSTERD_HTTP_IDLE_TIMEOUT_SECONDS")
        }
        if let value = environment["CLUSTERD_METRICS"] {
            guard let enabled = DotEnv.bool(value) else {
                throw SettingsError("CLUSTERD_METRICS must be on or off, not \(value)")
            }
            metricsEnabled = enabled
        }
        if let value = environment["CLUSTERD_LOG_FORMAT"] {
            guard let format = LogFormat(rawValue: value.lowercased()) else {
                throw SettingsError("CLUSTERD_LOG_FORMAT must be text or json, not \(value)")
            }
            logFormat = format
        }
        if let value = environment["CLUSTERING_QUIET_HOURS"], !value.trimmingCharacters(in: .whitespaces).isEmpty {
            do {
                service.schedule.quietHours = try QuietWindow(parsing: value)
            } catch {
                throw SettingsError("CLUSTERING_QUIET_HOURS: \(error)")
            }
        }
        if let value = environment["CLUSTERING_MAX_RUNS_PER_HOUR"] {
            let cap: Int = try Self.number(value, "CLUSTERING_MAX_RUNS_PER_HOUR")
            service.schedule.maxAutomaticRunsPerHour = cap == 0 ? nil : cap
        }
        if let value = environment["CLUSTERING_URGENT_BACKLOG"] {
            let backlog: Int = try Self.number(value, "CLUSTERING_URGENT_BACKLOG")
            service.schedule.urgentBacklog = backlog == 0 ? nil : backlog
        }
        secrets = Self.secrets(in: environment)
        service.version = clusterdVersion
        // Every thread that may hold a client at once: the analysis workers, the clustering lane, the maintenance
        // lane and the two RPC read workers, so no worker ever waits on a connection held by queued work.
        store.poolSize = max(store.poolSize, service.analysisWorkers + 4)
    }

    /// The Claude settings when `ANTHROPIC_API_KEY` is set (nil otherwise: local concepts and names).
    static func anthropic(_ environment: [String: String]) throws -> AnthropicConfiguration? {
        guard let key = environment["ANTHROPIC_API_KEY"]?.trimmingCharacters(in: .whitespaces), !key.isEmpty else {
            return nil
        }
        var anthropic = AnthropicConfiguration(apiKey: key)
        if let url = environment["ANTHROPIC_BASE_URL"], !url.isEmpty { anthropic.baseURL = url }
        if let model = environment["CLUSTERD_ANTHROPIC_MODEL"], !model.isEmpty { anthropic.model = model }
        if let value = environment["CLUSTERD_ANTHROPIC_THINKING"] {
            switch value.lowercased() {
            case "disabled", "off", "false": anthropic.disableThinking = true
            case "default", "on", "true": anthropic.disableThinking = false
            default: throw SettingsError("CLUSTERD_ANTHROPIC_THINKING must be disabled or default, not \(value)")
            }
        }
        if let value = environment["CLUSTERD_LLM_CONCURRENCY"] {
            anthropic.concurrency = max(1, try number(value, "CLUSTERD_LLM_CONCURRENCY"))
        }
        if let value = environment["CLUSTERD_LLM_RPM"] {
            anthropic.requestsPerMinute = try number(value, "CLUSTERD_LLM_RPM")
        }
        if let value = environment["CLUSTERD_LLM_DAILY_TOKENS"] {
            anthropic.dailyTokenBudget = try number(value, "CLUSTERD_LLM_DAILY_TOKENS")
        }
        if let value = environment["CLUSTERD_LLM_MAX_ATTEMPTS"] {
            anthropic.retry.maxAttempts = max(1, try number(value, "CLUSTERD_LLM_MAX_ATTEMPTS"))
        }
        if let value = environment["CLUSTERD_LLM_TIMEOUT_SECONDS"] {
            anthropic.http.totalTimeoutMilliseconds = try milliseconds(value, "CLUSTERD_LLM_TIMEOUT_SECONDS")
        }
        if let value = environment["CLUSTERD_LLM_CONNECT_TIMEOUT_SECONDS"] {
            anthropic.http.connectTimeoutMilliseconds = try milliseconds(value, "CLUSTERD_LLM_CONNECT_TIMEOUT_SECONDS")
        }
        if let value = environment["CLUSTERD_LLM_MAX_WAIT_SECONDS"] {
            anthropic.maxQueueWaitSeconds = Double(try milliseconds(value, "CLUSTERD_LLM_MAX_WAIT_SECONDS")) / 1000
        }
        // Refuse a base URL the client would refuse (not https, or plain http to a host that is not loopback).
        do {
            _ = try AnthropicClient(configuration: anthropic, governor: LLMGovernor(configuration: anthropic))
        } catch {
            throw SettingsError("Claude settings: \(error.message)")
        }
        return anthropic
    }

    /// A positive number of seconds as whole milliseconds.
    private static func milliseconds(_ text: String, _ name: String) throws -> Int {
        guard let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds > 0, seconds < 86_400 else {
            throw SettingsError("\(name) must be a positive number of seconds, not \(text)")
        }
        return max(1, Int((seconds * 1000).rounded()))
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

    /// `host:port`, `:port` or `port`; the host defaults to loopback.
    static func parseHTTPAddress(_ text: String) throws -> (String, Int) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let port = Int(trimmed) {
            guard (0...65535).contains(port) else { throw SettingsError("CLUSTERD_HTTP_LISTEN: bad port \(text)") }
            return ("127.0.0.1", port)
        }
        do {
            return try parseAddress(trimmed)
        } catch {
            throw SettingsError("CLUSTERD_HTTP_LISTEN must be host:port, :port or port, not \(text)")
        }
    }

    /// Secret values among the settings: the token, variables named like keys, tokens, secrets and passwords, and
    /// the password in the MongoDB URI.
    static func secrets(in environment: [String: String]) -> [String] {
        var secrets: [String] = []
        for (name, value) in environment where !value.isEmpty {
            let upper = name.uppercased()
            if ["_KEY", "_TOKEN", "_SECRET", "_PASSWORD"].contains(where: { upper.hasSuffix($0) }) {
                secrets.append(value)
            }
        }
        if let uri = environment["MONGODB_URI"], let components = URLComponents(string: uri),
            let password = components.password, !password.isEmpty
        {
            secrets.append(password)
            if let decoded = password.removingPercentEncoding { secrets.append(decoded) }
        }
        return secrets
    }

    private static func seconds(_ text: String, _ name: String) throws -> Double {
        guard let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds > 0, seconds.isFinite else {
            throw SettingsError("\(name) must be a positive number of seconds, not \(text)")
        }
        return seconds
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
