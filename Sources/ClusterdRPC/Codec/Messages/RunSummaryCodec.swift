import ClusterdCore
import ClusterdWire
import Foundation

/// RunSummary with its RunMetrics and LineageEvents (in ListClusters, ListRuns and Status).
enum RunSummaryCodec {
    /// A RunSummary message.
    static func message(_ run: RunSummary, arena: CArena) -> UnsafeMutablePointer<Clusterd__V1__RunSummary> {
        let out = arena.message(clusterd__v1__run_summary__init)
        out.pointee.id = arena.string(run.id)
        out.pointee.status = arena.string(run.status)
        out.pointee.created_at_ms = WireText.milliseconds(run.createdAt)
        out.pointee.finished_at_ms = WireText.milliseconds(run.finishedAt)
        out.pointee.trigger_reason = arena.string(run.triggerReason)
        out.pointee.total_conversations = UInt64(max(0, run.totalConversations))
        out.pointee.total_messages = UInt64(max(0, run.totalMessages))
        out.pointee.clusters_created = UInt32(clamping: run.clustersCreated)
        out.pointee.duration_ms = UInt64(max(0, run.durationMs))
        out.pointee.error = arena.string(run.error)
        out.pointee.metrics = run.metrics.map { metrics($0, arena: arena) }
        out.pointee.n_lineage = run.lineage.count
        out.pointee.lineage = arena.array(run.lineage) { Optional(lineage($0, arena: arena)) }
        return out
    }

    private static func metrics(_ metrics: RunMetrics, arena: CArena) -> UnsafeMutablePointer<Clusterd__V1__RunMetrics>
    {
        let out = arena.message(clusterd__v1__run_metrics__init)
        out.pointee.silhouette = metrics.silhouette ?? .nan
        out.pointee.inertia = metrics.inertia
        out.pointee.n_sizes = metrics.sizes.count
        out.pointee.sizes = arena.array(metrics.sizes) { UInt64(max(0, $0)) }
        out.pointee.k = UInt32(clamping: metrics.k)
        out.pointee.churn = metrics.churn ?? .nan
        out.pointee.adjusted_rand_index = metrics.adjustedRandIndex ?? .nan
        out.pointee.compared_conversations = UInt64(max(0, metrics.comparedConversations))
        out.pointee.n_level_sizes = metrics.levelSizes.count
        out.pointee.level_sizes = arena.array(metrics.levelSizes) { UInt64(max(0, $0)) }
        return out
    }

    static func lineage(_ event: LineageEvent, arena: CArena)
        -> UnsafeMutablePointer<Clusterd__V1__LineageEvent>
    {
        let out = arena.message(clusterd__v1__lineage_event__init)
        out.pointee.kind = arena.string(event.kind.rawValue)
        out.pointee.n_stable_ids = event.stableIDs.count
        out.pointee.stable_ids = arena.strings(event.stableIDs)
        out.pointee.n_previous_stable_ids = event.previousStableIDs.count
        out.pointee.previous_stable_ids = arena.strings(event.previousStableIDs)
        out.pointee.renamed = event.renamed ? 1 : 0
        out.pointee.overlap = event.overlap ?? .nan
        return out
    }

    /// The run an empty or missing message stands for.
    static let empty = RunSummary(
        id: "",
        status: "",
        createdAt: Date(timeIntervalSince1970: 0),
        finishedAt: nil,
        triggerReason: "",
        totalConversations: 0,
        totalMessages: 0,
        clustersCreated: 0,
        durationMs: 0,
        error: ""
    )

    /// A RunSummary message as a value.
    static func run(_ run: Clusterd__V1__RunSummary) -> RunSummary {
        RunSummary(
            id: WireText.text(run.id),
            status: WireText.text(run.status),
            createdAt: Date(timeIntervalSince1970: Double(run.created_at_ms) / 1000),
            finishedAt: WireText.date(milliseconds: run.finished_at_ms),
            triggerReason: WireText.text(run.trigger_reason),
            totalConversations: Int(clamping: run.total_conversations),
            totalMessages: Int(clamping: run.total_messages),
            clustersCreated: Int(run.clusters_created),
            durationMs: Int(clamping: run.duration_ms),
            error: WireText.text(run.error),
            metrics: run.metrics.map { metrics($0.pointee) },
            lineage: (0..<run.n_lineage).compactMap { index in run.lineage[index].flatMap { lineage($0.pointee) } }
        )
    }

    private static func metrics(_ metrics: Clusterd__V1__RunMetrics) -> RunMetrics {
        RunMetrics(
            silhouette: metrics.silhouette.isNaN ? nil : metrics.silhouette,
            inertia: metrics.inertia,
            sizes: (0..<metrics.n_sizes).map { Int(clamping: metrics.sizes[$0]) },
            k: Int(metrics.k),
            churn: metrics.churn.isNaN ? nil : metrics.churn,
            adjustedRandIndex: metrics.adjusted_rand_index.isNaN ? nil : metrics.adjusted_rand_index,
            comparedConversations: Int(clamping: metrics.compared_conversations),
            levelSizes: (0..<metrics.n_level_sizes).map { Int(clamping: metrics.level_sizes[$0]) }
        )
    }

    /// A lineage event; nil when its kind is unknown (a newer server).
    static func lineage(_ event: Clusterd__V1__LineageEvent) -> LineageEvent? {
        guard let kind = LineageKind(rawValue: WireText.text(event.kind)) else { return nil }
        return LineageEvent(
            kind: kind,
            stableIDs: WireText.texts(event.stable_ids, count: event.n_stable_ids),
            previousStableIDs: WireText.texts(event.previous_stable_ids, count: event.n_previous_stable_ids),
            renamed: event.renamed != 0,
            overlap: event.overlap.isNaN ? nil : event.overlap
        )
    }
}
