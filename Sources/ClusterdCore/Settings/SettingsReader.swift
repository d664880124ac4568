import Foundation

/// Typed reads of configuration keys from the merged environment (flags, process environment, `.env`). Each read
/// takes a `SettingKey`, so a key that is read is a key that is documented; a value that does not parse is a
/// `SettingsError` naming the key.
public struct SettingsReader: Sendable {
    /// The merged variables.
    public let environment: [String: String]

    /// A reader over `environment`.
    public init(_ environment: [String: String]) {
        self.environment = environment
    }

    /// The raw value, if the key is set (possibly empty).
    public func raw(_ key: SettingKey) -> String? {
        environment[key.name]
    }

    /// The value trimmed of spaces, or nil when the key is unset or blank.
    public func text(_ key: SettingKey) -> String? {
        guard let value = environment[key.name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            return nil
        }
        return value
    }

    /// A non-negative integer, or nil when unset.
    public func number<T: FixedWidthInteger>(_ key: SettingKey, as type: T.Type = T.self) throws(SettingsError) -> T? {
        guard let value = environment[key.name] else { return nil }
        guard let number = T(value.trimmingCharacters(in: .whitespaces)), number >= 0 else {
            throw SettingsError("\(key.name) must be a non-negative integer, not \(value)")
        }
        return number
    }

    /// A positive, finite number of seconds, or nil when unset.
    public func seconds(_ key: SettingKey) throws(SettingsError) -> Double? {
        guard let value = environment[key.name] else { return nil }
        guard let seconds = Double(value.trimmingCharacters(in: .whitespaces)), seconds > 0, seconds.isFinite else {
            throw SettingsError("\(key.name) must be a positive number of seconds, not \(value)")
        }
        return seconds
    }

    /// A positive number of seconds below a day, as whole milliseconds (at least 1), or nil when unset.
    public func milliseconds(_ key: SettingKey) throws(SettingsError) -> Int? {
        guard let value = environment[key.name] else { return nil }
        guard let seconds = Double(value.trimmingCharacters(in: .whitespaces)), seconds > 0, seconds < 86_400 else {
            throw SettingsError("\(key.name) must be a positive number of seconds, not \(value)")
        }
        return max(1, Int((seconds * 1000).rounded()))
    }

    /// A boolean (`true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`), or nil when unset; `expected` names the two
    /// spellings the error shows.
    public func bool(_ key: SettingKey, expected: String = "true or false") throws(SettingsError) -> Bool? {
        guard let value = environment[key.name] else { return nil }
        guard let flag = DotEnv.bool(value) else {
            throw SettingsError("\(key.name) must be \(expected), not \(value)")
        }
        return flag
    }
}
