import ClusterdCore
import ClusterdWire

/// ListRunsRequest and ListRunsReply.
enum ListRunsCodec {
    /// Fills a ListRuns request.
    static func fill(_ frame: inout Clusterd__V1__Frame, limit: UInt32, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_LIST_RUNS
        frame.list_runs = arena.message(clusterd__v1__list_runs_request__init)
        frame.list_runs.pointee.limit = limit
    }

    /// Fills a ListRunsReply.
    static func fill(_ frame: inout Clusterd__V1__Frame, runs: [RunSummary], arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_LIST_RUNS_REPLY
        frame.list_runs_reply = arena.message(clusterd__v1__list_runs_reply__init)
        frame.list_runs_reply.pointee.n_runs = runs.count
        frame.list_runs_reply.pointee.runs = arena.array(runs) { Optional(RunSummaryCodec.message($0, arena: arena)) }
    }

    /// The ListRuns request of an unpacked frame.
    static func request(_ frame: Clusterd__V1__Frame) -> RPCRequest {
        .listRuns(limit: frame.list_runs.pointee.limit)
    }

    /// The ListRunsReply of an unpacked frame.
    static func reply(_ frame: Clusterd__V1__Frame) -> RPCReply {
        let reply = frame.list_runs_reply.pointee
        return .listRuns((0..<reply.n_runs).compactMap { reply.runs[$0].map { RunSummaryCodec.run($0.pointee) } })
    }
}
