import ClusterdCore
import Foundation

extension BackgroundClusteringService {
    /// The longest name or description a curation change may give.
    public static let maxCuratedTextLength = 500

    /// Carries out a hand-curation change by `who` (see `CurationAction`) and logs it. A rename or pin applies to
    /// the latest successful run at once and to every later run while the stable id continues; an unpin and a merge
    /// apply from the next run. `notFound` when there is no successful run yet or it has no topic with the id (or
    /// the merge target's id); `invalidArgument` for an empty or over-long id or name, a merge of a topic into
    /// itself (directly or through earlier merges) or across levels, and an unpin of a topic with no kept name.
    /// Blocks on MongoDB: call it off the event loops.
    public func curate(_ request: CurationRequest, by who: String) throws(ServiceError) -> CurationOutcome {
        try Self.validateCurationText(request.stableID, field: "stable_id")
        switch request.action {
        case .rename:
            try Self.validateCurationText(request.name, field: "name")
            if !request.description.isEmpty { try Self.validateCurationText(request.description, field: "description") }
        case .merge:
            try Self.validateCurationText(request.intoStableID, field: "into_stable_id")
        case .pin, .unpin:
            break
        }
        return try withStore { () throws -> CurationOutcome in
            let store = context.store
            guard let run = try store.latestSuccessfulRun() else {
                throw ServiceError(.notFound, "no successful clustering run yet: there is no topic to curate")
            }
            let cluster = try existingTopic(request.stableID, in: run)
            let applier = CurationApplier(try store.curations())
            let now = context.now()
            var topic =
                applier.topics[request.stableID]
                ?? TopicCuration(stableID: request.stableID, updatedBy: who, updatedAt: now)
            topic.updatedBy = who
            topic.updatedAt = now
            var change = CurationChange(
                action: request.action,
                stableID: request.stableID,
                previousName: cluster.name,
                by: who,
                at: now
            )
            let message: String
            switch request.action {
            case .rename, .pin:
                let name = request.action == .rename ? request.name : cluster.name
                let description: String? =
                    request.action == .rename
                    ? (request.description.isEmpty ? nil : request.description) : cluster.description
                topic.name = name
                topic.description = description
                change.name = name
                change.description = description ?? ""
                try store.saveCuration(topic, change: change)
                try store.renameCluster(
                    runID: run.id,
                    stableID: request.stableID,
                    name: name,
                    description: description,
                    source: CurationApplier.nameSource
                )
                message =
                    "\(request.action == .rename ? "renamed" : "pinned") topic \(request.stableID) as \"\(name)\": in run \(run.id) now, and kept by every later run while the stable id continues"
            case .unpin:
                guard topic.name != nil else {
                    throw ServiceError(.invalidArgument, "topic \(request.stableID) has no kept name to unpin")
                }
                topic.name = nil
                topic.description = nil
                try store.saveCuration(topic, change: change)
                message =
                    "unpinned topic \(request.stableID): from the next run it is named by the usual rules (Claude when configured, else its concepts)"
            case .merge:
                // After the topic is found: an unknown id is NOT_FOUND whatever it is merged into.
                guard request.intoStableID != request.stableID else {
                    throw ServiceError(.invalidArgument, "cannot merge topic \(request.stableID) into itself")
                }
                let target = try existingTopic(request.intoStableID, in: run)
                guard target.level == cluster.level else {
                    throw ServiceError(
                        .invalidArgument,
                        "topics \(request.stableID) (level \(cluster.level)) and \(request.intoStableID) (level \(target.level)) are at different levels; only topics of one level merge"
                    )
                }
                let survivor = applier.survivor(of: request.intoStableID)
                guard survivor != request.stableID else {
                    throw ServiceError(
                        .invalidArgument,
                        "cannot merge topic \(request.stableID) into \(request.intoStableID): \(request.intoStableID) is already merged into \(request.stableID)"
                    )
                }
                topic.mergedInto = request.intoStableID
                topic.absorbedCentroid = cluster.centroid
                topic.absorbedLevel = cluster.level
                change.intoStableID = request.intoStableID
                try store.saveCuration(topic, change: change)
                message =
                    "merged topic \(request.stableID) into \(request.intoStableID): from the next run its conversations are reported under \(survivor) and the two clusters are one (run \(run.id) is left as published)"
            }
            context.logger.info("Curation by \(who): \(message)")
            return CurationOutcome(change: change, message: message)
        }
    }

    /// The curated topics (of `stableID` only, when given) and up to `limit` audit-log changes, newest first.
    /// Blocks on MongoDB: call it off the event loops.
    public func curationLog(stableID: String?, limit: Int) throws(ServiceError) -> CurationLog {
        if let stableID { try Self.validateCurationText(stableID, field: "stable_id") }
        return try withStore {
            let topics = try context.store.curations().filter { topic in
                stableID.map { topic.stableID == $0 || topic.mergedInto == $0 } ?? true
            }
            return CurationLog(
                topics: topics,
                changes: try context.store.curationChanges(stableID: stableID, limit: limit)
            )
        }
    }

    /// The latest successful run's cluster with this id, or `notFound`.
    private func existingTopic(_ stableID: String, in run: ClusteringRun) throws -> Cluster {
        guard let cluster = try context.store.cluster(runID: run.id, stableID: stableID) else {
            throw ServiceError(
                .notFound,
                "no topic with stable id \(stableID) in the latest successful run (\(run.id)); see clusterctl clusters"
            )
        }
        return cluster
    }

    /// Refuses an empty text or one over `maxCuratedTextLength` characters.
    static func validateCurationText(_ text: String, field: String) throws(ServiceError) {
        guard !text.isEmpty else { throw ServiceError(.invalidArgument, "\(field) is empty") }
        guard text.unicodeScalars.count <= maxCuratedTextLength else {
            throw ServiceError(.invalidArgument, "\(field) is longer than \(maxCuratedTextLength) characters")
        }
    }

    /// Runs MongoDB work: a `ServiceError` it throws passes through, any other failure is `storeUnavailable` (and
    /// noted in the store's health).
    func withStore<Value>(_ body: () throws -> Value) throws(ServiceError) -> Value {
        do {
            let value = try body()
            context.noteStoreHealthy()
            return value
        } catch let error as ServiceError {
            throw error
        } catch {
            context.noteStoreFailure(error)
            throw ServiceError(.storeUnavailable, "MongoDB is unavailable: \(error)")
        }
    }
}
