import ClusterdCore

/// One page of ListClusters: the run and this page's clusters, and the token of the next page (empty on the last).
public struct ClusterPage: Sendable, Equatable {
    /// The run and the clusters of this page.
    public var listing: ClusterListing
    /// Empty on the last page.
    public var nextPageToken: String

    /// Creates a page.
    public init(listing: ClusterListing, nextPageToken: String = "") {
        self.listing = listing
        self.nextPageToken = nextPageToken
    }
}
