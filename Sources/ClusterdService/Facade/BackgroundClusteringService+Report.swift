import ClusterdCore
import ClusterdReport
import Foundation

extension BackgroundClusteringService {
    /// Earlier successful runs whose sizes the report's lines show (besides the run itself).
    public static let reportHistoryRuns = 7

    /// The topic report's model of a run (the latest successful one when `runID` is nil or empty), with the
    /// representative messages' text unless `includeText` is false. Reads the run, its clusters, the earlier
    /// successful runs' clusters and one message per representative conversation; the last model built is kept,
    /// so asking again for the same run (the RPC's pages) reads nothing. The map layout a run's first report drew
    /// is saved (`clusterd_state`, the newest `SavedMapLayout.kept` runs) and reused, and the next run's layout is
    /// aligned to it, so the picture does not jump between reports. Blocks on MongoDB: call it off the event loops.
    public func reportModel(runID: String?, includeText: Bool) throws(ServiceError) -> ReportModel {
        do {
            let run = try reportRun(runID)
            let key = run.id.description
            if let cached = reportCache.withLock({ $0 }), cached.runID == key, cached.includesText == includeText {
                return cached.model
            }
            let clusters = try context.store.clusters(runID: run.id)
            let earlier = try context.store.recentRuns(limit: context.configuration.keepRuns + 20)
                .filter { $0.status == .succeeded && $0.createdAt < run.createdAt && $0.id != run.id }
                .prefix(Self.reportHistoryRuns)
            let earlierRuns = try earlier.map { (run: $0, clusters: try context.store.clusters(runID: $0.id)) }
            var texts: [String: [String]] = [:]
            if includeText {
                let conversations = Set(clusters.flatMap { $0.representativeConversationIDs.prefix(5) })
                for (conversation, text) in try context.store.firstMessageTexts(conversationIDs: Array(conversations)) {
                    texts[conversation.description] = [text]
                }
            }
            let saved = try context.store.savedMapLayouts()
            let savedByRun = Dictionary(saved.map { ($0.runID, $0) }, uniquingKeysWith: { _, last in last })
            let reference = earlierRuns.lazy.compactMap { savedByRun[$0.run.id.description] }.first
            let model = ReportModelBuilder.build(
                ReportInput(
                    run: run,
                    clusters: clusters,
                    earlierRuns: Array(earlierRuns),
                    messagesByConversation: texts,
                    llmModel: status().llm.model,
                    includesText: includeText,
                    savedLayout: savedByRun[key].map(Self.points),
                    referenceLayout: reference.map(Self.points)
                )
            )
            if savedByRun[key] == nil {
                let base = model.baseClusters
                let layout = SavedMapLayout(
                    runID: key,
                    stableIDs: base.map(\.stableID),
                    x: base.map { $0.x ?? 0 },
                    y: base.map { $0.y ?? 0 }
                )
                try context.store.saveMapLayouts(saved.filter { $0.runID != key } + [layout], now: context.now())
            }
            context.noteStoreHealthy()
            reportCache.withLock { $0 = ReportCacheEntry(runID: key, includesText: includeText, model: model) }
            return model
        } catch let error as ServiceError {
            throw error
        } catch {
            context.noteStoreFailure(error)
            throw ServiceError(.storeUnavailable, "MongoDB is unavailable: \(error)")
        }
    }

    /// A saved layout's positions by stable id.
    static func points(_ layout: SavedMapLayout) -> [String: MapPoint] {
        var points: [String: MapPoint] = [:]
        for (index, id) in layout.stableIDs.enumerated() {
            points[id] = MapPoint(x: layout.x[index], y: layout.y[index])
        }
        return points
    }

    /// The run a report shows: the one named (any of its id forms), else the latest successful one.
    private func reportRun(_ runID: String?) throws -> ClusteringRun {
        if let runID, !runID.isEmpty {
            let run = try RecordID.candidates(for: runID).lazy.compactMap { try self.context.store.run(id: $0) }.first
            guard let run else { throw ServiceError(.notFound, "no clustering run with id \(runID)") }
            guard run.status == .succeeded else {
                throw ServiceError(.notFound, "run \(runID) did not succeed (\(run.status.rawValue)): no clusters")
            }
            return run
        }
        guard let run = try context.store.latestSuccessfulRun() else {
            throw ServiceError(.notFound, "no successful clustering run yet")
        }
        return run
    }
}
