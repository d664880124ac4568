/// How a cluster relates to the previous run's clusters.
public enum LineageKind: String, Sendable, Equatable, CaseIterable {
    /// A new stable id: no previous cluster matched.
    case born
    /// The stable id of a matched previous cluster carries on.
    case continued
    /// A previous cluster's conversations went, in substantial shares, to two or more clusters of this run.
    case split
    /// Two or more previous clusters sent substantial shares of a cluster of this run.
    case merged
    /// A previous cluster that nothing matched: its stable id ends.
    case retired
}
