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
            return provisional
                ? try provisionalPage(run: run.id, after: cursor, limit: count)
                : try assignmentPage(run: run.id, after: cursor, limit: count)
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

    /// A page of the run's own assignments (cursor: the assignment document's ObjectId).
    private func assignmentPage(run: RecordID, after: RecordID?, limit: Int) throws -> ExportPage {
        let found = try context.store.assignmentPage(runID: run, after: after, limit: limit)
        var budget = ExportPage.maxTextBytes
        var rows: [ExportedAssignment] = []
        var next = after
        for (cursor, assignment) in found {
            let row = ExportedAssignment(
                conversationID: assignment.conversationID.description,
                stableID: assignment.stableID,
                distance: assignment.distance
            )
            budget -= Self.textBytes(row)
            guard budget >= 0 || rows.isEmpty else { break }
            rows.append(row)
            next = cursor
        }
        return ExportPage(
            runID: run.description,
            rows: rows,
            nextAfter: next.map { "a" + $0.description } ?? "",
            done: found.count < limit && rows.count == found.count
        )
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
                budget -= Self.textBytes(row)
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

    /// The cursor of a page request: nil for none; `invalidArgument` for one this server did not give.
    static func exportCursor(_ text: String, provisional: Bool) throws(ServiceError) -> RecordID? {
        guard let kind = text.first else { return nil }
        let rest = String(text.dropFirst())
        switch (provisional, kind) {
        case (false, "a") where RecordID.looksLikeObjectID(rest): return .objectID(rest.lowercased())
        case (true, "o") where RecordID.looksLikeObjectID(rest): return .objectID(rest.lowercased())
        case (true, "s") where !rest.isEmpty: return .string(rest)
        default: throw ServiceError(.invalidArgument, "after is not a cursor of this export (\(text.prefix(40)))")
        }
    }

    /// The bytes a row adds to a page: its ids and a margin for the numbers and framing.
    private static func textBytes(_ row: ExportedAssignment) -> Int {
        row.conversationID.utf8.count + row.stableID.utf8.count + 48
    }
}
