import ClusterdCore
import ClusterdWire

/// GetConversationClusterRequest and GetConversationClusterReply with its ClusterPathEntries.
enum GetConversationClusterCodec {
    /// Fills a GetConversationCluster request.
    static func fill(_ frame: inout Clusterd__V1__Frame, conversationID: String, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_GET_CONVERSATION_CLUSTER
        frame.get_conversation_cluster = arena.message(clusterd__v1__get_conversation_cluster_request__init)
        frame.get_conversation_cluster.pointee.conversation_id = arena.string(conversationID)
    }

    /// Fills a GetConversationClusterReply.
    static func fill(_ frame: inout Clusterd__V1__Frame, placement: ConversationPlacement, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_GET_CONVERSATION_CLUSTER_REPLY
        let reply = arena.message(clusterd__v1__get_conversation_cluster_reply__init)
        reply.pointee.conversation_id = arena.string(placement.conversationID)
        reply.pointee.run_id = arena.string(placement.runID)
        reply.pointee.provisional = placement.provisional ? 1 : 0
        reply.pointee.distance = placement.distance
        reply.pointee.assigned_at_ms = WireText.milliseconds(placement.assignedAt)
        reply.pointee.n_path = placement.path.count
        reply.pointee.path = arena.array(placement.path) { Optional(entry($0, arena: arena)) }
        frame.get_conversation_cluster_reply = reply
    }

    private static func entry(_ entry: ClusterPathEntry, arena: CArena)
        -> UnsafeMutablePointer<Clusterd__V1__ClusterPathEntry>
    {
        let out = arena.message(clusterd__v1__cluster_path_entry__init)
        out.pointee.stable_id = arena.string(entry.stableID)
        out.pointee.name = arena.string(entry.name)
        out.pointee.level = UInt32(clamping: entry.level)
        out.pointee.size = UInt64(max(0, entry.size))
        return out
    }

    /// The GetConversationCluster request of an unpacked frame.
    static func request(_ frame: Clusterd__V1__Frame) -> RPCRequest {
        .getConversationCluster(conversationID: WireText.text(frame.get_conversation_cluster.pointee.conversation_id))
    }

    /// The GetConversationClusterReply of an unpacked frame.
    static func reply(_ frame: Clusterd__V1__Frame) -> RPCReply {
        let reply = frame.get_conversation_cluster_reply.pointee
        let path = (0..<reply.n_path).compactMap { index in reply.path[index].map { entry($0.pointee) } }
        return .getConversationCluster(
            ConversationPlacement(
                conversationID: WireText.text(reply.conversation_id),
                runID: WireText.text(reply.run_id),
                provisional: reply.provisional != 0,
                distance: reply.distance,
                assignedAt: WireText.date(milliseconds: reply.assigned_at_ms),
                path: path
            )
        )
    }

    private static func entry(_ entry: Clusterd__V1__ClusterPathEntry) -> ClusterPathEntry {
        ClusterPathEntry(
            stableID: WireText.text(entry.stable_id),
            name: WireText.text(entry.name),
            level: Int(entry.level),
            size: Int(clamping: entry.size)
        )
    }
}
