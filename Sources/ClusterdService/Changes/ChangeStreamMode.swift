/// Whether the service follows the host's `messages` collection with a change stream (`CLUSTERD_CHANGE_STREAM`).
public enum ChangeStreamMode: String, Sendable, CaseIterable {
    /// Follow when the server supports change streams (any replica set); on a standalone server, sweeps alone.
    case auto
    /// Never follow: messages are found by triggers and sweeps only.
    case off
}
