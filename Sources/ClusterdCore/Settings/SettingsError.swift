/// A configuration value that cannot be used; the description names the key and the value.
public struct SettingsError: Error, CustomStringConvertible, Equatable {
    /// For humans: what is wrong and with which key.
    public let description: String

    /// An error with this text.
    public init(_ description: String) { self.description = description }
}
