extension SettingsReader {
    /// `host:port` (an empty host is loopback; `[v6]` loses its brackets), or nil when the key is unset.
    public func address(_ key: SettingKey) throws(SettingsError) -> (host: String, port: Int)? {
        guard let text = raw(key) else { return nil }
        guard let parsed = Self.parseAddress(text) else {
            throw SettingsError("\(key.name): address must be host:port, not \(text)")
        }
        return parsed
    }

    /// `host:port`, `:port` or a bare `port` (loopback), or nil when the key is unset or blank.
    public func addressOrPort(_ key: SettingKey) throws(SettingsError) -> (host: String, port: Int)? {
        guard let text = self.text(key) else { return nil }
        if let port = Int(text) {
            guard (0...65535).contains(port) else { throw SettingsError("\(key.name): bad port \(text)") }
            return ("127.0.0.1", port)
        }
        guard let parsed = Self.parseAddress(text) else {
            throw SettingsError("\(key.name) must be host:port, :port or port, not \(text)")
        }
        return parsed
    }

    private static func parseAddress(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }
}
