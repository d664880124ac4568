import ClusterdCore
import ClusterdHTTP
import ClusterdNetworking
import ClusterdRPC
import ClusterdService
import ClusterdStore
import Foundation

/// Everything the executable reads from flags, the environment and `.env` (real environment variables win over
/// `.env`; flags win over both). Each component parses its own keys (`StoreConfiguration(settings:)`,
/// `ServiceConfiguration(settings:)`, `RPCServer.Configuration(settings:)`, ...); `SettingsCatalog` lists them all.
public struct ServerSettings: Sendable {
    /// The RPC server: its address, token and connection limits.
    public var rpc = RPCServer.Configuration(serverVersion: ClusterdVersion.current)
    /// The HTTP gateway (with the RPC server's token); nil leaves it off.
    public var gateway: HTTPGatewayConfiguration?
    /// TLS on both ports; nil leaves it off.
    public var tls: ServerTLSConfiguration?
    /// MongoDB.
    public var store = StoreConfiguration()
    /// The background service (triggers, analysis, clustering, Claude).
    public var service = ServiceConfiguration()
    /// Process-wide: the model directory, metrics, log format.
    public var process = ProcessSettings()
    /// Values that must never reach the log: the token, API keys, passwords (in variables and in the URI).
    public var secrets: [String] = []

    /// Reads the variables; `environment` is the merged `.env` + process environment.
    public init(environment: [String: String]) throws(SettingsError) {
        let settings = SettingsReader(environment)
        rpc = try RPCServer.Configuration(settings: settings)
        gateway = try HTTPGatewayConfiguration(settings: settings)
        gateway?.token = rpc.token
        tls = try ServerTLSConfiguration(settings: settings)
        let allowInsecure = try settings.bool(RPCServer.Configuration.allowInsecureKey, expected: "1 or 0") ?? false
        if rpc.token == nil, !allowInsecure { try refuseOpenBind() }
        store = try StoreConfiguration(settings: settings)
        service = try ServiceConfiguration(settings: settings)
        process = try ProcessSettings(settings: settings)
        secrets = Self.secrets(in: environment)
        if let token = rpc.token { secrets.append(token) }
        // Every thread that may hold a client at once: the analysis workers, the clustering lane, the maintenance
        // lane, the two RPC read workers and the change stream lane's short writes (its stream has a client of its
        // own), so no worker ever waits on a connection held by queued work.
        store.poolSize = max(store.poolSize, service.analysisWorkers + 5)
    }

    /// Throws when a port listens beyond loopback (no token set): anyone who reaches it could call everything.
    private func refuseOpenBind() throws(SettingsError) {
        var exposed: [(String, String)] = [(rpc.host, "\(RPCServer.Configuration.listenKey.name)")]
        if let gateway { exposed.append((gateway.host, HTTPGatewayConfiguration.listenKey.name)) }
        for (host, key) in exposed where !Self.isLoopback(host) {
            throw SettingsError(
                "refusing to listen on \(host) (\(key)), which is not a loopback address, without a token: set "
                    + "\(RPCServer.Configuration.tokenFileKey.name) (or \(RPCServer.Configuration.tokenKey.name)), or "
                    + "\(RPCServer.Configuration.allowInsecureKey.name)=1 to serve every call unauthenticated"
            )
        }
    }

    /// 127.0.0.0/8, ::1 and localhost.
    static func isLoopback(_ host: String) -> Bool {
        let lowered = host.lowercased()
        return lowered == "localhost" || lowered == "::1" || lowered == "0:0:0:0:0:0:0:1"
            || (lowered.hasPrefix("127.") && lowered.split(separator: ".").count == 4)
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
        if let uri = environment[StoreConfiguration.uriKey.name], let components = URLComponents(string: uri),
            let password = components.password, !password.isEmpty
        {
            secrets.append(password)
            if let decoded = password.removingPercentEncoding { secrets.append(decoded) }
        }
        return secrets
    }

    /// `environment` with the command line's overrides (a flag wins over the variable it stands for).
    public static func overriding(
        _ environment: [String: String],
        listen: String?,
        mongodbURI: String?,
        httpListen: String?,
        tokenFile: String? = nil
    ) -> [String: String] {
        var merged = environment
        if let listen { merged[RPCServer.Configuration.listenKey.name] = listen }
        if let mongodbURI { merged[StoreConfiguration.uriKey.name] = mongodbURI }
        if let httpListen { merged[HTTPGatewayConfiguration.listenKey.name] = httpListen }
        if let tokenFile {
            merged[RPCServer.Configuration.tokenFileKey.name] = tokenFile
            merged[RPCServer.Configuration.tokenKey.name] = nil
        }
        return merged
    }

    /// The process environment over the `.env` file's variables.
    public static func mergedEnvironment(dotEnvPath: String) -> [String: String] {
        var merged: [String: String] = [:]
        if let text = try? String(contentsOfFile: dotEnvPath, encoding: .utf8) {
            merged = DotEnv.parse(text)
        }
        merged.merge(ProcessInfo.processInfo.environment) { _, real in real }
        return merged
    }
}
