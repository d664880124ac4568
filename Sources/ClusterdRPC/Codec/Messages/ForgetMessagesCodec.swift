import ClusterdWire

/// ForgetMessagesRequest and ForgetMessagesReply.
enum ForgetMessagesCodec {
    /// Fills a ForgetMessages request (message ids, or a conversation id).
    static func fill(_ frame: inout Clusterd__V1__Frame, messageIDs: [String], conversationID: String, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_FORGET_MESSAGES
        frame.forget_messages = arena.message(clusterd__v1__forget_messages_request__init)
        frame.forget_messages.pointee.n_message_ids = messageIDs.count
        frame.forget_messages.pointee.message_ids = arena.strings(messageIDs)
        frame.forget_messages.pointee.conversation_id = arena.string(conversationID)
    }

    /// Fills a ForgetMessagesReply.
    static func fill(_ frame: inout Clusterd__V1__Frame, result: ForgetMessagesResult, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_FORGET_MESSAGES_REPLY
        frame.forget_messages_reply = arena.message(clusterd__v1__forget_messages_reply__init)
        frame.forget_messages_reply.pointee.analyses_erased = result.analysesErased
        frame.forget_messages_reply.pointee.assignments_erased = result.assignmentsErased
        frame.forget_messages_reply.pointee.clusters_scrubbed = result.clustersScrubbed
    }

    /// The ForgetMessages request of an unpacked frame.
    static func request(_ frame: Clusterd__V1__Frame) -> RPCRequest {
        let request = frame.forget_messages.pointee
        return .forgetMessages(
            messageIDs: WireText.texts(request.message_ids, count: request.n_message_ids),
            conversationID: WireText.text(request.conversation_id)
        )
    }

    /// The ForgetMessagesReply of an unpacked frame.
    static func reply(_ frame: Clusterd__V1__Frame) -> RPCReply {
        let reply = frame.forget_messages_reply.pointee
        return .forgetMessages(
            ForgetMessagesResult(
                analysesErased: reply.analyses_erased,
                assignmentsErased: reply.assignments_erased,
                clustersScrubbed: reply.clusters_scrubbed
            )
        )
    }
}
