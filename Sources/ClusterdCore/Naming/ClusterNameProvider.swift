/// Names clusters from what their members are about (Claude's contrastive naming); clusters it does not name keep
/// their local names.
///
/// Implementations may block (HTTP): call them from the service's clustering queue only.
public protocol ClusterNameProvider: Sendable {
    /// Stored as the cluster's `name_source` when this provider named it ("claude").
    var source: String { get }
    /// A name and description for the cluster `request` describes, or nil to keep its local label.
    func name(_ request: ClusterNamingRequest) -> ClusterNaming?
}
