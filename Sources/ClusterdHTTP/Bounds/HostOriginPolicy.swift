import Foundation

/// The gateway's Host and Origin checks. The Host check stops DNS rebinding (a web page whose name the attacker
/// points at the gateway's address sends its own name as Host); the Origin check stops cross-site requests a
/// browser sends without a preflight (a form POST to `/api/clustering/background-force`).
///
/// A Host is allowed when it is absent, an IP literal, `localhost` (or a name under it), the bound host's name, or
/// one of `allowedHosts` (`*`: any). An Origin is allowed when it is absent, names the request's own Host (same
/// origin), or is one of `allowedOrigins` (`*`: any). The probes (`/livez`, `/readyz`) are not checked.
struct HostOriginPolicy: Sendable, Equatable {
    private let allowedHosts: Set<String>
    private let allowedOrigins: Set<String>

    /// Allows the names in `allowedHosts` besides the defaults (and `boundHost` when it is a name), and the origins
    /// in `allowedOrigins` besides the same origin.
    init(allowedHosts: [String] = [], allowedOrigins: [String] = [], boundHost: String = "127.0.0.1") {
        var hosts = Set(allowedHosts.map(Self.normalisedHost))
        hosts.insert(Self.normalisedHost(boundHost))
        self.allowedHosts = hosts
        self.allowedOrigins = Set(allowedOrigins.map(Self.normalisedOrigin))
    }

    /// A 403 for a request whose `host` or `origin` header is not allowed; nil when both are.
    func refusal(host: String?, origin: String?) -> GatewayResponse? {
        if let host, !allows(host: host) {
            let shown = String(host.prefix(100))
            return .detail(
                .forbidden,
                "Host \"\(shown)\" is not allowed (a guard against DNS rebinding); add the name to "
                    + "\(HTTPGatewayConfiguration.allowedHostsKey.name)"
            )
        }
        if let origin, !allows(origin: origin, host: host) {
            let shown = String(origin.prefix(100))
            return .detail(
                .forbidden,
                "Origin \"\(shown)\" is not allowed (a guard against cross-site requests); add it to "
                    + "\(HTTPGatewayConfiguration.allowedOriginsKey.name)"
            )
        }
        return nil
    }

    private func allows(host header: String) -> Bool {
        let name = Self.normalisedHost(header)
        if name.isEmpty || allowedHosts.contains("*") || allowedHosts.contains(name) { return true }
        return name == "localhost" || name.hasSuffix(".localhost") || Self.isIPLiteral(name)
    }

    private func allows(origin header: String, host: String?) -> Bool {
        let origin = Self.normalisedOrigin(header)
        if allowedOrigins.contains("*") || allowedOrigins.contains(origin) { return true }
        guard let host, let separator = origin.range(of: "://") else { return false }
        let scheme = origin[..<separator.lowerBound]
        return (scheme == "http" || scheme == "https") && origin[separator.upperBound...] == host.lowercased()
    }

    /// The name of a Host header's value: lowercased, without its port or a trailing dot (`[::1]:8080` → `[::1]`).
    static func normalisedHost(_ value: String) -> String {
        var name = Substring(value.trimmingCharacters(in: .whitespaces).lowercased())
        if name.hasPrefix("[") {
            if let close = name.firstIndex(of: "]") { name = name[...close] }
        } else if let colon = name.lastIndex(of: ":"), name.firstIndex(of: ":") == colon {
            name = name[..<colon]
        }
        if name.hasSuffix(".") { name = name.dropLast() }
        return String(name)
    }

    /// An origin as browsers send it: lowercased, without a trailing slash.
    static func normalisedOrigin(_ value: String) -> String {
        var origin = value.trimmingCharacters(in: .whitespaces).lowercased()
        while origin.hasSuffix("/") { origin.removeLast() }
        return origin
    }

    /// True for `[…]` (IPv6) and dotted-quad IPv4 literals, which DNS rebinding cannot forge as a Host.
    static func isIPLiteral(_ name: String) -> Bool {
        if name.hasPrefix("[") && name.hasSuffix("]") { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in UInt8(part).map { _ in part.count <= 3 } ?? false }
    }
}
