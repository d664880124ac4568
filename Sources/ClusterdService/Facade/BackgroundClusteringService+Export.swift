import ClusterdCore
import Foundation

extension BackgroundClusteringService {
    /// One page of a run's export (latest successful when `runID` is empty): its assignments after the cursor
    /// `after` (empty: from the start), or with `provisional`, the provisional placements against the run of
    /// conversations the run did not assign. At most `limit` rows (0: `ExportPage.defaultRows`, at most
    /// `ExportPage.maxRows`) and `ExportPage.maxTextBytes` of ids; `nextAfter` is the next page's cursor (opaque).
    /// `notFound` for an unknown run or none yet; `invalidArgument` for a cursor this server did not give. Blocks
    /// on MongoDB: call it off the event loops.
    public func exportPage(runID: String, provisional: Bool, after: String, limit: Int) throws(ServiceError)
        -> ExportPage
    {
        let count = limit <= 0 ? ExportPage.defaultRows : min(limit, ExportPage.maxRows)
        let cursor = try Self.exportCursor(after, provisional: provisional)
        return try withStore { () throws -> ExportPage in
            let run = try resolveRun(runID)
            switch cursor {
            case .token(let token): return try assignmentPage(run: run.id, token: token, limit: count)
            case .start where !provisional: return try assignmentPage(run: run.id, token: nil, limit: count)
            case .start: return try provisionalPage(run: run.id, after: nil, limit: count)
            case .after(let id): return try provisionalPage(run: run.id, after: id, limit: count)
            }
        }
    }

    /// A topic's size, name and lineage events in each retained successful run, newest first (of clusters at
    /// `level` only, when given). `notFound` when no retained run has a cluster with the id or names it in its
    /// lineage. Blocks on MongoDB: call it off the event loops.
    public func topicHistory(stableID: String, level: Int?) throws(ServiceError) -> [TopicHistoryEntry] {
        try Self.validateCurationText(stableID, field: "stable_id")
        return try withStore { () throws -> [TopicHistoryEntry] in
            let runs = try context.store.successfulRuns(limit: max(1, context.configuration.keepRuns))
            var clusters: [String: Cluster] = [:]
            for cluster in try context.store.clusters(stableID: stableID)
            where level.map({ cluster.level == $0 }) ?? true {
                clusters[cluster.runID.description] = cluster
            }
            let entries = runs.map { run in
                let events = run.lineage.filter {
                    $0.stableIDs.contains(stableID) || $0.previousStableIDs.contains(stableID)
                }
                guard let cluster = clusters[run.id.description] else {
                    return TopicHistoryEntry(
                        runID: run.id.description,
                        createdAt: run.createdAt,
                        present: false,
                        events: events
                    )
                }
                return TopicHistoryEntry(
                    runID: run.id.description,
                    createdAt: run.createdAt,
                    present: true,
                    name: cluster.name,
                    size: cluster.size,
                    level: cluster.level,
                    parent: cluster.parent,
                    events: events
                )
            }
            guard entries.contains(where: { $0.present || !$0.events.isEmpty }) else {
                let scope = level.map { " at level \($0)" } ?? ""
                throw ServiceError(
                    .notFound,
                    "no retained successful run has a topic with stable id \(stableID)\(scope)"
                )
            }
            return entries
        }
    }

    /// The run with this id, or the latest successful one for an empty id; `notFound` otherwise.
    func resolveRun(_ runID: String) throws -> ClusteringRun {
        if runID.isEmpty {
            guard let run = try context.store.latestSuccessfulRun() else {
                throw ServiceError(.notFound, "no successful clustering run yet")
            }
            return run
        }
        guard
            let run = try RecordID.candidates(for: runID).lazy.compactMap({ try self.context.store.run(id: $0) }).first
        else { throw ServiceError(.notFound, "no clustering run with id \(runID)") }
        return run
    }

    /// A page of the run's own assignments, read on one cursor for the whole export (cursor text: "k" and the
    /// export's token; an unknown or expired token is `invalidArgument`).
    private func assignmentPage(run: RecordID, token: String?, limit: Int) throws -> ExportPage {
        let export: any AssignmentExporting
        if let token {
            guard let held = context.exports.take(token, runID: run, now: context.now()) else {
                throw ServiceError(
                    .invalidArgument,
                    "this export's cursor has expired or is unknown (idle over \(Int(context.exports.idleSeconds)) s, or the server restarted); start the export again"
                )
            }
            export = held
        } else {
            export = try context.store.openAssignmentExport(runID: run)
        }
        do {
            let page = try export.next(limit: limit, byteBudget: ExportPage.maxTextBytes) { assignment in
                assignment.conversationID.description.utf8.count + assignment.stableID.utf8.count + Self.rowMargin
            }
            let rows = page.rows.map {
                ExportedAssignment(
                    conversationID: $0.conversationID.description,
                    stableID: $0.stableID,
                    distance: $0.distance
                )
            }
            guard !page.done else {
                export.close()
                return ExportPage(runID: run.description, rows: rows, nextAfter: "", done: true)
            }
            let next = context.exports.put(export, runID: run, token: token, now: context.now())
            return ExportPage(runID: run.description, rows: rows, nextAfter: "k" + next, done: false)
        } catch {
            export.close()
            throw error
        }
    }

    /// A page of provisional placements against the run, those of conversations the run assigned left out (cursor:
    /// the conversation id, "s" or "o" for its kind, then its text).
    private func provisionalPage(run: RecordID, after: RecordID?, limit: Int) throws -> ExportPage {
        let found = try context.store.provisionalPage(runID: run, after: after, limit: limit)
        let assigned = try context.store.assignedConversations(runID: run, among: found.map(\.conversationID))
        var budget = ExportPage.maxTextBytes
        var rows: [ExportedAssignment] = []
        var next = after
        var examined = 0
        for placement in found {
            if !assigned.contains(placement.conversationID) {
                let row = ExportedAssignment(
                    conversationID: placement.conversationID.description,
                    stableID: placement.stableID,
                    distance: placement.distance,
                    provisional: true,
                    assignedAt: placement.assignedAt
                )
                budget -= row.conversationID.utf8.count + row.stableID.utf8.count + Self.rowMargin
                guard budget >= 0 || rows.isEmpty else { break }
                rows.append(row)
            }
            next = placement.conversationID
            examined += 1
        }
        let cursor: String
        switch next {
        case nil: cursor = ""
        case .string(let text)?: cursor = "s" + text
        case .objectID(let hex)?: cursor = "o" + hex
        }
        return ExportPage(
            runID: run.description,
            rows: rows,
            nextAfter: cursor,
            done: found.count < limit && examined == found.count
        )
    }

    /// Where a page request starts.
    enum ExportCursor: Equatable {
        /// The first page.
        case start
        /// The next page of a held assignment export.
        case token(String)
        /// The provisional placements after this conversation.
        case after(RecordID)
    }

    /// The cursor of a page request; `invalidArgument` for one this server did not give.
    static func exportCursor(_ text: String, provisional: Bool) throws(ServiceError) -> ExportCursor {
        guard let kind = text.first else { return .start }
        let rest = String(text.dropFirst())
        switch (provisional, kind) {
        case (false, "k") where !rest.isEmpty: return .token(rest)
        case (true, "o") where RecordID.looksLikeObjectID(rest): return .after(.objectID(rest.lowercased()))
        case (true, "s") where !rest.isEmpty: return .after(.string(rest))
        default: throw ServiceError(.invalidArgument, "after is not a cursor of this export (\(text.prefix(40)))")
        }
    }

    /// The bytes a row adds to a page besides its ids: the numbers and the framing.
    static let rowMargin = 48
}
