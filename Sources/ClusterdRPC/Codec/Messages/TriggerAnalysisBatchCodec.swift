import ClusterdWire

/// TriggerAnalysisBatchRequest and TriggerAnalysisBatchReply.
enum TriggerAnalysisBatchCodec {
    /// Fills a TriggerAnalysisBatch request.
    static func fill(_ frame: inout Clusterd__V1__Frame, items: [TriggerItem], arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS_BATCH
        frame.trigger_analysis_batch = arena.message(clusterd__v1__trigger_analysis_batch_request__init)
        frame.trigger_analysis_batch.pointee.n_items = items.count
        frame.trigger_analysis_batch.pointee.items = arena.array(items) {
            Optional(TriggerAnalysisCodec.message($0, arena: arena))
        }
    }

    /// Fills a TriggerAnalysisBatchReply.
    static func fill(_ frame: inout Clusterd__V1__Frame, result batch: TriggerAnalysisBatchResult, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS_BATCH_REPLY
        frame.trigger_analysis_batch_reply = arena.message(clusterd__v1__trigger_analysis_batch_reply__init)
        frame.trigger_analysis_batch_reply.pointee.n_results = batch.results.count
        frame.trigger_analysis_batch_reply.pointee.results = arena.array(batch.results) { result in
            let out = arena.message(clusterd__v1__trigger_analysis_batch_reply__result__init)
            out.pointee.outcome = WireText.outcome(result.outcome)
            if let error = result.error {
                out.pointee.error_code = WireText.code(error.code)
                out.pointee.error_message = arena.string(error.message)
            }
            return Optional(out)
        }
        frame.trigger_analysis_batch_reply.pointee.queue_depth = batch.queueDepth
    }

    /// The TriggerAnalysisBatch request of an unpacked frame.
    static func request(_ frame: Clusterd__V1__Frame) -> RPCRequest {
        let request = frame.trigger_analysis_batch.pointee
        return .triggerAnalysisBatch(
            (0..<request.n_items).compactMap { request.items[$0].map { TriggerAnalysisCodec.item($0.pointee) } }
        )
    }

    /// The TriggerAnalysisBatchReply of an unpacked frame.
    static func reply(_ frame: Clusterd__V1__Frame) -> RPCReply {
        let reply = frame.trigger_analysis_batch_reply.pointee
        let results = (0..<reply.n_results).compactMap { index in
            reply.results[index].map { result in
                TriggerItemResult(
                    outcome: WireText.outcome(result.pointee.outcome),
                    error: WireText.error(code: result.pointee.error_code, message: result.pointee.error_message)
                )
            }
        }
        return .triggerAnalysisBatch(TriggerAnalysisBatchResult(results: results, queueDepth: reply.queue_depth))
    }
}
