import ClusterdWire

/// ForceClusteringRequest and ForceClusteringReply.
enum ForceClusteringCodec {
    /// Fills a ForceClustering request.
    static func fillRequest(_ frame: inout Clusterd__V1__Frame, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_FORCE_CLUSTERING
        frame.force_clustering = arena.message(clusterd__v1__force_clustering_request__init)
    }

    /// Fills a ForceClusteringReply.
    static func fill(_ frame: inout Clusterd__V1__Frame, result: ForceClusteringResult, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_FORCE_CLUSTERING_REPLY
        frame.force_clustering_reply = arena.message(clusterd__v1__force_clustering_reply__init)
        frame.force_clustering_reply.pointee.started = result.started ? 1 : 0
        frame.force_clustering_reply.pointee.follow_up_queued = result.followUpQueued ? 1 : 0
        frame.force_clustering_reply.pointee.message = arena.string(result.message)
    }

    /// The ForceClusteringReply of an unpacked frame.
    static func reply(_ frame: Clusterd__V1__Frame) -> RPCReply {
        let reply = frame.force_clustering_reply.pointee
        return .forceClustering(
            ForceClusteringResult(
                started: reply.started != 0,
                followUpQueued: reply.follow_up_queued != 0,
                message: WireText.text(reply.message)
            )
        )
    }
}
