import ClusterdCore
import ClusterdWire

/// ListClustersRequest and ListClustersReply with its ClusterInfos.
enum ListClustersCodec {
    /// Fills a ListClusters request.
    static func fill(_ frame: inout Clusterd__V1__Frame, runID: String, page: PageRequest, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_LIST_CLUSTERS
        frame.list_clusters = arena.message(clusterd__v1__list_clusters_request__init)
        frame.list_clusters.pointee.run_id = arena.string(runID)
        frame.list_clusters.pointee.page_token = arena.string(page.token)
        frame.list_clusters.pointee.page_size = page.size
    }

    /// Fills a ListClustersReply.
    static func fill(_ frame: inout Clusterd__V1__Frame, page: ClusterPage, arena: CArena) {
        let listing = page.listing
        frame.body_case = CLUSTERD__V1__FRAME__BODY_LIST_CLUSTERS_REPLY
        frame.list_clusters_reply = arena.message(clusterd__v1__list_clusters_reply__init)
        frame.list_clusters_reply.pointee.run = RunSummaryCodec.message(listing.run, arena: arena)
        frame.list_clusters_reply.pointee.n_clusters = listing.clusters.count
        frame.list_clusters_reply.pointee.clusters = arena.array(listing.clusters) {
            Optional(cluster($0, arena: arena))
        }
        frame.list_clusters_reply.pointee.next_page_token = arena.string(page.nextPageToken)
    }

    private static func cluster(_ cluster: ClusterSummary, arena: CArena)
        -> UnsafeMutablePointer<Clusterd__V1__ClusterInfo>
    {
        let out = arena.message(clusterd__v1__cluster_info__init)
        out.pointee.stable_id = arena.string(cluster.stableID)
        out.pointee.name = arena.string(cluster.name)
        out.pointee.description = arena.string(cluster.description)
        out.pointee.size = UInt64(max(0, cluster.size))
        out.pointee.n_top_concepts = cluster.topConcepts.count
        out.pointee.top_concepts = arena.strings(cluster.topConcepts)
        out.pointee.n_representative_conversation_ids = cluster.representativeConversationIDs.count
        out.pointee.representative_conversation_ids = arena.strings(cluster.representativeConversationIDs)
        out.pointee.lineage = arena.string(cluster.lineage.kind.rawValue)
        out.pointee.n_previous_stable_ids = cluster.lineage.previousStableIDs.count
        out.pointee.previous_stable_ids = arena.strings(cluster.lineage.previousStableIDs)
        out.pointee.renamed = cluster.lineage.renamed ? 1 : 0
        out.pointee.level = UInt32(clamping: max(0, cluster.level))
        out.pointee.parent = arena.string(cluster.parent ?? "")
        return out
    }

    /// The ListClusters request of an unpacked frame.
    static func request(_ frame: Clusterd__V1__Frame) -> RPCRequest {
        let request = frame.list_clusters.pointee
        return .listClusters(
            runID: WireText.text(request.run_id),
            page: PageRequest(token: WireText.text(request.page_token), size: request.page_size)
        )
    }

    /// The ListClustersReply of an unpacked frame.
    static func reply(_ frame: Clusterd__V1__Frame) -> RPCReply {
        let reply = frame.list_clusters_reply.pointee
        let clusters = (0..<reply.n_clusters).compactMap { index in
            reply.clusters[index].map { cluster($0.pointee) }
        }
        let run = reply.run.map { RunSummaryCodec.run($0.pointee) } ?? RunSummaryCodec.empty
        return .listClusters(
            ClusterPage(
                listing: ClusterListing(run: run, clusters: clusters),
                nextPageToken: WireText.text(reply.next_page_token)
            )
        )
    }

    private static func cluster(_ cluster: Clusterd__V1__ClusterInfo) -> ClusterSummary {
        ClusterSummary(
            stableID: WireText.text(cluster.stable_id),
            name: WireText.text(cluster.name),
            description: WireText.text(cluster.description),
            size: Int(clamping: cluster.size),
            topConcepts: WireText.texts(cluster.top_concepts, count: cluster.n_top_concepts),
            representativeConversationIDs: WireText.texts(
                cluster.representative_conversation_ids,
                count: cluster.n_representative_conversation_ids
            ),
            lineage: ClusterLineage(
                kind: LineageKind(rawValue: WireText.text(cluster.lineage)) ?? .born,
                previousStableIDs: WireText.texts(cluster.previous_stable_ids, count: cluster.n_previous_stable_ids),
                renamed: cluster.renamed != 0
            ),
            level: Int(cluster.level),
            parent: WireText.text(cluster.parent).isEmpty ? nil : WireText.text(cluster.parent)
        )
    }
}
