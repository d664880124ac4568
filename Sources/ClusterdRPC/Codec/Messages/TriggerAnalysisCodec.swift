import ClusterdWire

/// TriggerAnalysisRequest and TriggerAnalysisReply.
enum TriggerAnalysisCodec {
    /// Fills a TriggerAnalysis request.
    static func fill(_ frame: inout Clusterd__V1__Frame, item: TriggerItem, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS
        frame.trigger_analysis = message(item, arena: arena)
    }

    /// A TriggerAnalysisRequest message (also a batch's item).
    static func message(_ item: TriggerItem, arena: CArena) -> UnsafeMutablePointer<
        Clusterd__V1__TriggerAnalysisRequest
    > {
        let out = arena.message(clusterd__v1__trigger_analysis_request__init)
        out.pointee.message_id = arena.string(item.messageID)
        out.pointee.conversation_id = arena.string(item.conversationID)
        return out
    }

    /// Fills a TriggerAnalysisReply.
    static func fill(_ frame: inout Clusterd__V1__Frame, result: TriggerAnalysisResult, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS_REPLY
        frame.trigger_analysis_reply = arena.message(clusterd__v1__trigger_analysis_reply__init)
        frame.trigger_analysis_reply.pointee.outcome = WireText.outcome(result.outcome)
        frame.trigger_analysis_reply.pointee.queue_depth = result.queueDepth
    }

    /// A TriggerAnalysisRequest message as an item.
    static func item(_ request: Clusterd__V1__TriggerAnalysisRequest) -> TriggerItem {
        TriggerItem(
            messageID: WireText.text(request.message_id),
            conversationID: WireText.text(request.conversation_id)
        )
    }

    /// The TriggerAnalysis request of an unpacked frame.
    static func request(_ frame: Clusterd__V1__Frame) -> RPCRequest {
        let item = item(frame.trigger_analysis.pointee)
        return .triggerAnalysis(messageID: item.messageID, conversationID: item.conversationID)
    }

    /// The TriggerAnalysisReply of an unpacked frame.
    static func reply(_ frame: Clusterd__V1__Frame) -> RPCReply {
        let reply = frame.trigger_analysis_reply.pointee
        return .triggerAnalysis(
            TriggerAnalysisResult(outcome: WireText.outcome(reply.outcome), queueDepth: reply.queue_depth)
        )
    }
}
