import ClusterdCore
import ClusterdWire

/// ListRunsRequest and ListRunsReply.
enum ListRunsCodec {
    /// Fills a ListRuns request.
    static func fill(_ frame: inout Clusterd__V1__Frame, limit: UInt32, page: PageRequest, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_LIST_RUNS
        frame.list_runs = arena.message(clusterd__v1__list_runs_request__init)
        frame.list_runs.pointee.limit = limit
        frame.list_runs.pointee.page_token = arena.string(page.token)
        frame.list_runs.pointee.page_size = page.size
    }

    /// Fills a ListRunsReply.
    static func fill(_ frame: inout Clusterd__V1__Frame, page: RunPage, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_LIST_RUNS_REPLY
        frame.list_runs_reply = arena.message(clusterd__v1__list_runs_reply__init)
        frame.list_runs_reply.pointee.n_runs = page.runs.count
        frame.list_runs_reply.pointee.runs = arena.array(page.runs) {
            Optional(RunSummaryCodec.message($0, arena: arena))
        }
        frame.list_runs_reply.pointee.next_page_token = arena.string(page.nextPageToken)
    }

    /// The ListRuns request of an unpacked frame.
    static func request(_ frame: Clusterd__V1__Frame) -> RPCRequest {
        let request = frame.list_runs.pointee
        return .listRuns(
            limit: request.limit,
            page: PageRequest(token: WireText.text(request.page_token), size: request.page_size)
        )
    }

    /// The ListRunsReply of an unpacked frame.
    static func reply(_ frame: Clusterd__V1__Frame) -> RPCReply {
        let reply = frame.list_runs_reply.pointee
        let runs = (0..<reply.n_runs).compactMap { reply.runs[$0].map { RunSummaryCodec.run($0.pointee) } }
        return .listRuns(RunPage(runs: runs, nextPageToken: WireText.text(reply.next_page_token)))
    }
}
