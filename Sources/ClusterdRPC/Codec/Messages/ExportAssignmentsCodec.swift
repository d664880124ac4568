import ClusterdCore
import ClusterdWire

/// ExportAssignmentsRequest and ExportAssignmentsReply with its ExportedAssignments.
enum ExportAssignmentsCodec {
    /// Fills an ExportAssignments request.
    static func fill(_ frame: inout Clusterd__V1__Frame, request: ExportRequest, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_EXPORT_ASSIGNMENTS
        let out = arena.message(clusterd__v1__export_assignments_request__init)
        out.pointee.run_id = arena.string(request.runID)
        out.pointee.after = arena.string(request.after)
        out.pointee.provisional = request.provisional ? 1 : 0
        out.pointee.limit = request.limit
        frame.export_assignments = out
    }

    /// Fills an ExportAssignmentsReply.
    static func fill(_ frame: inout Clusterd__V1__Frame, page: ExportPage, arena: CArena) {
        frame.body_case = CLUSTERD__V1__FRAME__BODY_EXPORT_ASSIGNMENTS_REPLY
        let reply = arena.message(clusterd__v1__export_assignments_reply__init)
        reply.pointee.run_id = arena.string(page.runID)
        reply.pointee.next_after = arena.string(page.nextAfter)
        reply.pointee.done = page.done ? 1 : 0
        reply.pointee.n_assignments = page.rows.count
        reply.pointee.assignments = arena.array(page.rows) { row in
            let out = arena.message(clusterd__v1__exported_assignment__init)
            out.pointee.conversation_id = arena.string(row.conversationID)
            out.pointee.stable_id = arena.string(row.stableID)
            out.pointee.distance = row.distance
            out.pointee.provisional = row.provisional ? 1 : 0
            out.pointee.assigned_at_ms = WireText.milliseconds(row.assignedAt)
            return Optional(out)
        }
        frame.export_assignments_reply = reply
    }

    /// The ExportAssignments request of an unpacked frame.
    static func request(_ frame: Clusterd__V1__Frame) -> RPCRequest {
        let request = frame.export_assignments.pointee
        return .exportAssignments(
            ExportRequest(
                runID: WireText.text(request.run_id),
                after: WireText.text(request.after),
                provisional: request.provisional != 0,
                limit: request.limit
            )
        )
    }

    /// The ExportAssignmentsReply of an unpacked frame.
    static func reply(_ frame: Clusterd__V1__Frame) -> RPCReply {
        let reply = frame.export_assignments_reply.pointee
        let rows = (0..<reply.n_assignments).compactMap { index in
            reply.assignments[index].map { pointer in
                let row = pointer.pointee
                return ExportedAssignment(
                    conversationID: WireText.text(row.conversation_id),
                    stableID: WireText.text(row.stable_id),
                    distance: row.distance,
                    provisional: row.provisional != 0,
                    assignedAt: WireText.date(milliseconds: row.assigned_at_ms)
                )
            }
        }
        return .exportAssignments(
            ExportPage(
                runID: WireText.text(reply.run_id),
                rows: rows,
                nextAfter: WireText.text(reply.next_after),
                done: reply.done != 0
            )
        )
    }
}
