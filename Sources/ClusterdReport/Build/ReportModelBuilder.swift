import ClusterdCore

/// Builds a ``ReportModel`` from a ``ReportInput``: the map layout (the run's saved one when a report drew it before;
/// else classical MDS on the base clusters' centroids, aligned with orthogonal Procrustes through the stable ids to
/// an earlier run's saved layout, or to the previous run's MDS layout when none was saved), growth against the
/// previous run, sizes over the history runs, lineage, and truncated representative messages.
public enum ReportModelBuilder {
    /// Representative messages per cluster, at most.
    public static let messagesPerCluster = 3
    /// Characters kept of a representative message.
    public static let messageCharacters = 240
    /// Characters kept of a name or a description.
    public static let nameCharacters = 200

    /// The model of `input`.
    public static func build(_ input: ReportInput) -> ReportModel {
        let previous = input.earlierRuns.first
        let positions =
            input.savedLayout
            ?? ProcrustesAlignment.align(
                mdsLayout(input.clusters),
                to: input.referenceLayout ?? mdsLayout(previous?.clusters ?? [])
            )
        let history = Array(input.earlierRuns.reversed()) + [(run: input.run, clusters: input.clusters)]
        let sizesByRun = history.map { entry in
            Dictionary(entry.clusters.map { ($0.stableID, $0.size) }, uniquingKeysWith: { first, _ in first })
        }
        let previousSizes = previous.map { entry in
            Dictionary(entry.clusters.map { ($0.stableID, $0.size) }, uniquingKeysWith: { first, _ in first })
        }
        let ordered = input.clusters.sorted { ($0.level, -$0.size, $0.stableID) < ($1.level, -$1.size, $1.stableID) }
        let clusters = ordered.map { cluster in
            ReportCluster(
                stableID: cluster.stableID,
                name: truncated(cluster.name, to: nameCharacters),
                description: truncated(cluster.description, to: nameCharacters * 2),
                level: cluster.level,
                parent: cluster.parent,
                size: cluster.size,
                previousSize: previousSizes?[cluster.stableID],
                topConcepts: Array(cluster.topConcepts.prefix(10)).map { truncated($0, to: 60) },
                messages: input.includesText ? messages(of: cluster, in: input.messagesByConversation) : [],
                x: positions[cluster.stableID]?.x,
                y: positions[cluster.stableID]?.y,
                history: sizesByRun.map { $0[cluster.stableID] },
                lineage: cluster.lineage.kind.rawValue,
                previousStableIDs: cluster.lineage.previousStableIDs,
                renamed: cluster.lineage.renamed
            )
        }
        return ReportModel(
            run: reportRun(input, clusters: input.clusters),
            previousRunID: previous?.run.id.description,
            historyRunIDs: history.map { $0.run.id.description },
            includesText: input.includesText,
            clusters: clusters
        )
    }

    /// The base clusters' map positions: MDS of this run aligned to the MDS of the previous run.
    public static func layout(_ clusters: [Cluster], previous: [Cluster]) -> [String: MapPoint] {
        let current = mdsLayout(clusters)
        let earlier = mdsLayout(previous)
        return ProcrustesAlignment.align(current, to: earlier)
    }

    /// Classical MDS of the base clusters that have a centroid, by stable id.
    static func mdsLayout(_ clusters: [Cluster]) -> [String: MapPoint] {
        let base = clusters.filter { $0.level == 0 && !$0.centroid.isEmpty }
        let dimension = base.first?.centroid.count ?? 0
        let placed = base.filter { $0.centroid.count == dimension }
        let points = ClassicalMDS.layout(placed.map(\.centroid))
        var layout: [String: MapPoint] = [:]
        for (cluster, point) in zip(placed, points) { layout[cluster.stableID] = point }
        // Base clusters without a centroid (an "Other" bucket) sit at the centre.
        for cluster in clusters where cluster.level == 0 && layout[cluster.stableID] == nil {
            layout[cluster.stableID] = MapPoint(x: 0, y: 0)
        }
        return layout
    }

    /// Up to `messagesPerCluster` truncated texts of the cluster's representative conversations.
    private static func messages(of cluster: Cluster, in texts: [String: [String]]) -> [String] {
        var out: [String] = []
        for conversation in cluster.representativeConversationIDs {
            guard out.count < messagesPerCluster else { break }
            if let text = texts[conversation.description]?.first { out.append(truncated(text, to: messageCharacters)) }
        }
        return out
    }

    /// The run's part of the report: counts, inputs, metrics and the LLM that named the clusters.
    private static func reportRun(_ input: ReportInput, clusters: [Cluster]) -> ReportRun {
        let run = input.run
        let named = clusters.filter { $0.nameSource != Cluster.localNameSource }.count
        let llm: String
        if input.llmModel.isEmpty {
            llm = named > 0 ? "claude (\(named) names)" : "none (local names)"
        } else {
            llm = "\(input.llmModel) (\(named) of \(clusters.count) names)"
        }
        return ReportRun(
            id: run.id.description,
            createdAt: run.createdAt,
            totalConversations: run.totalConversations,
            totalMessages: run.totalMessages,
            embedder: run.inputs.embedder,
            kRule: run.inputs.kRule,
            k: run.metrics?.k ?? 0,
            llm: llm,
            silhouette: run.metrics?.silhouette,
            inertia: run.metrics?.inertia,
            churn: run.metrics?.churn,
            adjustedRandIndex: run.metrics?.adjustedRandIndex,
            levelSizes: run.metrics?.levelSizes ?? []
        )
    }

    /// `text` cut to `limit` characters (an ellipsis marks the cut), whitespace runs folded.
    static func truncated(_ text: String, to limit: Int) -> String {
        let folded = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard folded.count > limit else { return folded }
        return String(folded.prefix(limit - 1)) + "…"
    }
}
