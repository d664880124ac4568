import ClusterdCore

extension ClusteringLane {
    /// Applies the curated merges to a run's outcome (see `CurationApplier`) and, when any applied, brings the size
    /// metrics in line with the combined clusters and records the merged topics' centroids before they were
    /// combined (their stand-ins in the next run's matching).
    func applyCuratedMerges(_ outcome: inout ClusteringOutcome, curation: CurationApplier) throws {
        guard curation.hasMerges else { return }
        let absorbed = outcome.clusters.filter { curation.survivor(of: $0.stableID) != $0.stableID }
        let merged = curation.apply(
            merges: &outcome.clusters,
            assignments: &outcome.assignments,
            lineage: &outcome.lineage
        )
        guard !merged.isEmpty else { return }
        try context.store.saveAbsorbedCentroids(
            absorbed.filter { merged[$0.stableID] != nil }.map { ($0.stableID, $0.level, $0.centroid) }
        )
        outcome.metrics.sizes = outcome.clusters.filter { $0.level == 0 }.map(\.size).sorted(by: >)
        let top = outcome.clusters.map(\.level).max() ?? 0
        outcome.metrics.levelSizes = (0...top).map { level in outcome.clusters.filter { $0.level == level }.count }
        let list = merged.sorted { $0.key < $1.key }.map { "\($0.key) → \($0.value)" }.joined(separator: ", ")
        context.logger.info("Applied curated merge(s): \(list)")
    }
}
