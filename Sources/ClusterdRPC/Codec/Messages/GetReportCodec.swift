import ClusterdWire

/// GetReportRequest and GetReportReply.
enum GetReportCodec {
    /// Fills a GetReport request.
    static func fill(_ frame: inout Clusterd__V1__Frame, request: ReportPageRequest, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_GET_REPORT
        let out = arena.message(clusterd__v1__get_report_request__init)
        out.pointee.run_id = arena.string(request.runID)
        out.pointee.no_text = request.noText ? 1 : 0
        out.pointee.offset = request.offset
        out.pointee.limit = request.limit
        frame.get_report = out
    }

    /// Fills a GetReportReply.
    static func fill(_ frame: inout Clusterd__V1__Frame, page: ReportPage, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_GET_REPORT_REPLY
        let out = arena.message(clusterd__v1__get_report_reply__init)
        out.pointee.run_id = arena.string(page.runID)
        out.pointee.total_clusters = page.totalClusters
        out.pointee.next_offset = page.nextOffset
        out.pointee.model_json = arena.string(page.modelJSON)
        frame.get_report_reply = out
    }

    /// The GetReport request of an unpacked frame.
    static func request(_ frame: Clusterd__V1__Frame) -> RPCRequest {
        let request = frame.get_report.pointee
        return .getReport(
            ReportPageRequest(
                runID: WireText.text(request.run_id),
                noText: request.no_text != 0,
                offset: request.offset,
                limit: request.limit
            )
        )
    }

    /// The GetReportReply of an unpacked frame.
    static func reply(_ frame: Clusterd__V1__Frame) -> RPCReply {
        let reply = frame.get_report_reply.pointee
        return .getReport(
            ReportPage(
                runID: WireText.text(reply.run_id),
                totalClusters: reply.total_clusters,
                nextOffset: reply.next_offset,
                modelJSON: WireText.text(reply.model_json)
            )
        )
    }
}
