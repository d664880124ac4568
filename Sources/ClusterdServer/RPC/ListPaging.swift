import ClusterdCore
import ClusterdRPC
import ClusterdService

/// Cuts ListRuns and ListClusters replies into pages: at most `pageSize` items (or fewer when the client asks) and
/// never more than `maxReplyBytes` encoded, measured item by item (protobuf's repeated fields add up), so a reply
/// stays under the 1 MiB the C and Python clients accept. An item larger than the whole budget is sent on a page of
/// its own (a cluster's fields are bounded far below it).
///
/// Tokens are opaque to clients: `<offset>` for runs, `<run id>:<offset>` for clusters, so later pages of the
/// latest run stay on the run the first page showed.
struct ListPaging: Sendable {
    /// Most items per page.
    let pageSize: Int
    /// Largest reply, in bytes.
    let maxReplyBytes: Int
    /// Room kept for the call id, the next page token and the frame's fields beyond the items.
    static let envelope = 128

    /// The page of `runs` (all of ListRuns' runs) that `page` asks for.
    func runs(_ runs: [RunSummary], page: PageRequest) throws(ServiceError) -> RunPage {
        let offset = try Self.offset(page.token.isEmpty ? "0" : page.token)
        let empty = Self.size(.listRuns(RunPage(runs: [])))
        let end = cut(count: runs.count, from: offset, requested: page.size, base: empty) { index in
            Self.size(.listRuns(RunPage(runs: [runs[index]]))) - empty
        }
        return RunPage(
            runs: Array(runs[min(offset, runs.count)..<end]),
            nextPageToken: end < runs.count ? "\(end)" : ""
        )
    }

    /// The run whose clusters `page` continues (nil: the first page, of the run asked for).
    static func runID(of page: PageRequest) throws(ServiceError) -> String? {
        guard !page.token.isEmpty else { return nil }
        guard let colon = page.token.lastIndex(of: ":"), colon != page.token.startIndex else {
            throw malformed(page.token)
        }
        return String(page.token[..<colon])
    }

    /// The page of `listing` (a run's whole listing) that `page` asks for.
    func clusters(_ listing: ClusterListing, page: PageRequest) throws(ServiceError) -> ClusterPage {
        var offset = 0
        if let colon = page.token.lastIndex(of: ":") {
            offset = try Self.offset(String(page.token[page.token.index(after: colon)...]))
        }
        let clusters = listing.clusters
        let header = ClusterListing(run: listing.run, clusters: [])
        let empty = Self.size(.listClusters(ClusterPage(listing: header)))
        let end = cut(count: clusters.count, from: offset, requested: page.size, base: empty) { index in
            let one = ClusterListing(run: listing.run, clusters: [clusters[index]])
            return Self.size(.listClusters(ClusterPage(listing: one))) - empty
        }
        var slice = header
        slice.clusters = Array(clusters[min(offset, clusters.count)..<end])
        return ClusterPage(listing: slice, nextPageToken: end < clusters.count ? "\(listing.run.id):\(end)" : "")
    }

    /// The end of the page starting at `offset` of `count` items: at most the requested size (0: `pageSize`), at
    /// least one item, and no further than the byte budget allows.
    private func cut(count: Int, from offset: Int, requested: UInt32, base: Int, size: (Int) -> Int) -> Int {
        guard offset < count else { return count }
        let most = requested == 0 ? pageSize : min(pageSize, Int(requested))
        var bytes = base + Self.envelope
        var end = offset
        while end < count, end - offset < most {
            bytes += size(end)
            if bytes > maxReplyBytes, end > offset { break }
            end += 1
        }
        return end
    }

    private static func size(_ reply: RPCReply) -> Int {
        WireCodec.encode(RPCFrame(callID: 0, reply: reply)).count
    }

    private static func offset(_ text: String) throws(ServiceError) -> Int {
        guard let offset = Int(text), offset >= 0 else { throw malformed(text) }
        return offset
    }

    private static func malformed(_ token: String) -> ServiceError {
        ServiceError(.invalidArgument, "malformed page token \"\(PrintableText.escaped(String(token.prefix(64))))\"")
    }
}
