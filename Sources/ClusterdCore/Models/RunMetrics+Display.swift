import Foundation

extension RunMetrics {
    /// The metrics as a JSON object: silhouette, inertia, k, sizes (and their min / median / max), churn, adjusted
    /// Rand index, compared conversations and clusters per hierarchy level; undefined numbers are null.
    public var jsonObject: [String: Any] {
        [
            "silhouette": silhouette.map { $0 as Any } ?? NSNull(),
            "inertia": inertia,
            "k": k,
            "sizes": sizes,
            "size_min": sizes.min().map { $0 as Any } ?? NSNull(),
            "size_median": Self.median(sizes).map { $0 as Any } ?? NSNull(),
            "size_max": sizes.max().map { $0 as Any } ?? NSNull(),
            "churn": churn.map { $0 as Any } ?? NSNull(),
            "adjusted_rand_index": adjustedRandIndex.map { $0 as Any } ?? NSNull(),
            "compared_conversations": comparedConversations,
            "level_sizes": levelSizes,
        ]
    }

    /// "levels 200 → 38 → 12" (clusters per hierarchy level, base first); "levels n/a" from runs before them.
    public var levelsText: String {
        "levels " + (levelSizes.isEmpty ? "n/a" : levelSizes.map(String.init).joined(separator: " → "))
    }

    /// "silhouette 0.312 (k 4)".
    public var silhouetteText: String {
        "silhouette \(silhouette.map { Self.fixed($0, 3) } ?? "n/a") (k \(k))"
    }

    /// "4 clusters: 120 98 60 22 (min 22, median 79, max 120)"; long lists are cut after 12 sizes.
    public var sizesText: String {
        guard !sizes.isEmpty else { return "0 clusters" }
        let shown = sizes.prefix(12).map(String.init).joined(separator: " ") + (sizes.count > 12 ? " …" : "")
        let median = Self.median(sizes).map { Self.fixed($0, $0.rounded() == $0 ? 0 : 1) } ?? "-"
        return "\(sizes.count) clusters: \(shown) (min \(sizes.min()!), median \(median), max \(sizes.max()!))"
    }

    /// "churn 1.5%, ARI 0.962 (380 conversations compared)", or "no previous run to compare with".
    public var stabilityText: String {
        guard let churn else { return "no previous run to compare with" }
        let rand = adjustedRandIndex.map { Self.fixed($0, 3) } ?? "n/a"
        return "churn \(Self.fixed(churn * 100, 1))%, ARI \(rand) (\(comparedConversations) conversations compared)"
    }

    static func median(_ values: [Int]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[middle]) : Double(sorted[middle - 1] + sorted[middle]) / 2
    }

    /// `value` with `digits` decimals, independent of the locale.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", locale: Locale(identifier: "en_US_POSIX"), value)
    }
}
