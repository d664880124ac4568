/// The server's version, written here only: status, Hello replies, `--version` and the OpenAPI document read it.
public enum ClusterdVersion {
    /// The version string (semantic versioning).
    public static let current = "0.1.0"
}
