/// What the change stream follower is doing, for status, metrics and logs.
public enum ChangeStreamState: Equatable, Sendable, CustomStringConvertible {
    /// Not started yet (start-up has not loaded, or the stream is being opened).
    case starting
    /// Following inserts and deletes.
    case following
    /// The server has no change streams (a standalone server): the service works on triggers and sweeps alone.
    case unsupported
    /// Turned off by `CLUSTERD_CHANGE_STREAM=off`.
    case off
    /// The stream failed and is retried with backoff; the text is the last error.
    case error(String)
    /// The service stopped following (shutdown).
    case stopped

    /// "following", "unsupported", "off", "error: …", "starting", "stopped".
    public var description: String {
        switch self {
        case .starting: return "starting"
        case .following: return "following"
        case .unsupported: return "unsupported"
        case .off: return "off"
        case .error(let message): return "error: \(message)"
        case .stopped: return "stopped"
        }
    }

    /// The state's name without its detail (the `state` label of `clusterd_change_stream_state`).
    public var name: String {
        switch self {
        case .error: return "error"
        case .starting, .following, .unsupported, .off, .stopped: return description
        }
    }

    /// Every state's name, in the order the metrics list them.
    public static let names = ["starting", "following", "unsupported", "off", "error", "stopped"]
}
