import Foundation

/// The sizes of the topic hierarchy's levels above the base clusters: geometric, at most `maxRatio` children per
/// parent on average, down to `top` clusters at the top level.
public enum HierarchyShape {
    /// Clusters at the top level when there are parent levels.
    public static let top = 12
    /// At most this many base clusters make a flat hierarchy (the base level is the top).
    public static let topMax = 20
    /// The largest average number of children per parent.
    public static let maxRatio = 8.0

    /// The number of clusters at levels 1, 2, … (empty when the base level is small enough to be the top).
    public static func levelSizes(baseCount: Int) -> [Int] {
        guard baseCount > topMax else { return [] }
        let span = Double(baseCount) / Double(top)
        let levels = max(1, Int((log(span) / log(maxRatio)).rounded(.up)))
        let ratio = pow(span, 1 / Double(levels))
        return (1...levels).map { level in
            level == levels ? top : Int((Double(baseCount) / pow(ratio, Double(level))).rounded())
        }
    }
}
