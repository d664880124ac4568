/// One configuration key: its variable name, its default as documented, and what it does. Every key a component
/// reads is declared once as a `SettingKey` next to that component's configuration type; the server's key table
/// lists them all, and `--help` and the README's configuration table are made from it.
public struct SettingKey: Sendable, Hashable {
    /// The environment variable (also accepted from `.env`).
    public let name: String
    /// The default, as shown to people ("" when unset means off or none).
    public let defaultValue: String
    /// What the key does, one or two sentences.
    public let help: String

    /// Declares a key.
    public init(_ name: String, default defaultValue: String, _ help: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.help = help
    }
}
