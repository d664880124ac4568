/// Names clusters from what their members are about (Claude's contrastive naming); clusters it does not name keep
/// their local names.
///
/// Implementations may block (HTTP): call them from the service's clustering queue only.
public protocol ClusterNameProvider: Sendable {
    /// Stored as the cluster's `name_source` when this provider named it ("claude").
    var source: String { get }
    /// A name and description for the cluster `request` describes, or nil to keep its local label.
    func name(_ request: ClusterNamingRequest) -> ClusterNaming?
    /// Names for many clusters, by stable id (see the default in the extension below).
    func names(_ requests: [ClusterNamingRequest]) -> [String: ClusterNaming]
}

extension ClusterNameProvider {
    /// Names for many clusters, by stable id; a cluster left out keeps its local label. This default asks
    /// ``name(_:)`` for each in turn; a provider that can name several clusters in one call (Claude) does so.
    public func names(_ requests: [ClusterNamingRequest]) -> [String: ClusterNaming] {
        var result: [String: ClusterNaming] = [:]
        for request in requests {
            if let naming = name(request) { result[request.stableID] = naming }
        }
        return result
    }
}
