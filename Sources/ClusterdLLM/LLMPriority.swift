/// Who a call is for: the rate limiter keeps capacity for interactive calls (cluster naming) that background calls
/// (the concept backlog) may not use.
public enum LLMPriority: Sendable, Equatable {
    /// Cluster names: may use the whole rate limit and every slot.
    case interactive
    /// The concept backlog: leaves `namingRequestsPerMinute` and one slot to interactive calls.
    case background
}
