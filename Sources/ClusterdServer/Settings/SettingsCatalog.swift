import ClusterdCore
import ClusterdHTTP
import ClusterdLLM
import ClusterdNetworking
import ClusterdRPC
import ClusterdService
import ClusterdStore

/// The one key table: every configuration key the server reads, grouped as people look for them. `clusterd --help`
/// and the README's configuration table are made from it (`clusterd --settings-markdown`; a test fails when the
/// README drifts).
public enum SettingsCatalog {
    /// A titled group of keys.
    public struct Group: Sendable {
        /// The group's title.
        public let title: String
        /// Its keys, in order.
        public let keys: [SettingKey]
    }

    /// Every group, in the order documented.
    public static let groups: [Group] = [
        Group(
            title: "Triggers and analysis",
            keys: TriggerConfiguration.settingKeys + ServiceConfiguration.ownSettingKeys
        ),
        Group(title: "Clustering", keys: ClusteringConfiguration.settingKeys),
        Group(title: "Scheduling", keys: ScheduleConfiguration.settingKeys),
        Group(title: "MongoDB", keys: StoreConfiguration.settingKeys),
        Group(title: "RPC listener", keys: RPCServer.Configuration.settingKeys),
        Group(title: "HTTP gateway", keys: HTTPGatewayConfiguration.settingKeys),
        Group(title: "TLS (both ports)", keys: ServerTLSConfiguration.settingKeys),
        Group(title: "Claude", keys: AnthropicConfiguration.settingKeys),
        Group(title: "Process", keys: ProcessSettings.settingKeys),
    ]

    /// Every key, in documented order.
    public static var keys: [SettingKey] { groups.flatMap(\.keys) }

    /// The README's configuration table (between its `settings` markers).
    public static var markdown: String {
        var lines = ["| key | default | meaning |", "|---|---|---|"]
        for group in groups {
            lines.append("| **\(group.title)** | | |")
            for key in group.keys {
                let value = key.defaultValue.isEmpty ? "unset" : "`\(key.defaultValue)`"
                lines.append("| `\(key.name)` | \(value) | \(key.help.replacingOccurrences(of: "|", with: "\\|")) |")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `--help`'s list of keys: one line per key with its default, grouped, for a terminal.
    public static var helpText: String {
        var lines = [
            "Settings come from flags, then environment variables, then a .env file in the working directory (real "
                + "environment variables win over .env). Keys, with their defaults in brackets:"
        ]
        for group in groups {
            lines.append("\(group.title):")
            for key in group.keys {
                let value = key.defaultValue.isEmpty ? "unset" : key.defaultValue
                lines.append("  \(key.name) [\(value)]: \(key.help.replacingOccurrences(of: "`", with: ""))")
            }
        }
        return lines.joined(separator: "\n")
    }
}
