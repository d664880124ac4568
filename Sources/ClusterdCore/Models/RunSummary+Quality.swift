extension RunSummary {
    /// How many lineage events of each kind the run has (every kind present, zero when none).
    public var lineageCounts: [LineageKind: Int] {
        var counts = Dictionary(uniqueKeysWithValues: LineageKind.allCases.map { ($0, 0) })
        for event in lineage { counts[event.kind, default: 0] += 1 }
        return counts
    }

    /// "4 continued, 1 born, 1 retired" (kinds with no event left out; "none" when there are no events).
    public var lineageText: String {
        let counts = lineageCounts
        let parts = [LineageKind.continued, .born, .split, .merged, .retired].compactMap { kind in
            counts[kind]! > 0 ? "\(counts[kind]!) \(kind.rawValue)" : nil
        }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }

    /// One line for logs: "Clustering run ID quality: silhouette 0.312 (k 4); 4 clusters: …; churn …; lineage …".
    public var qualityLine: String {
        guard let metrics else { return "Clustering run \(id): no metrics" }
        return "Clustering run \(id) quality: \(metrics.silhouetteText); \(metrics.sizesText); "
            + "\(metrics.stabilityText); lineage \(lineageText)"
    }

    /// The lineage counts as a JSON object keyed by kind.
    public var lineageCountsObject: [String: Any] {
        Dictionary(uniqueKeysWithValues: lineageCounts.map { ($0.key.rawValue, $0.value as Any) })
    }
}
