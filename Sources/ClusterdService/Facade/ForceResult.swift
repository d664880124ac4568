/// The reply to ForceClustering.
public struct ForceResult: Sendable, Equatable {
    /// A run was started by this call.
    public var started: Bool
    /// A follow-up is queued behind the running one.
    public var followUpQueued: Bool
    /// For humans.
    public var message: String
}
