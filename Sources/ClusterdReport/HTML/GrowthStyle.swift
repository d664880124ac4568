/// How growth since the previous run is shown: a bubble's fill colour and a short badge text.
enum GrowthStyle {
    /// The fill of a cluster that is new this run.
    static let newColour = "#3b82f6"
    /// The fill of an "Other" bucket.
    static let otherColour = "#d1d5db"

    /// Fill colour: grey for steady, towards green for growth and red for shrinking (full at ±50%), blue for new.
    static func colour(_ cluster: ReportCluster) -> String {
        if isOther(cluster.stableID) { return otherColour }
        guard let growth = cluster.growth else { return newColour }
        let share = min(1, abs(growth) / 0.5)
        let grey = (156.0, 163.0, 175.0)
        let target = growth >= 0 ? (22.0, 163.0, 74.0) : (220.0, 38.0, 38.0)
        func mix(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * share).rounded()) }
        return "rgb(\(mix(grey.0, target.0)),\(mix(grey.1, target.1)),\(mix(grey.2, target.2)))"
    }

    /// "new", "+12%", "−5%" or "±0%".
    static func badge(_ cluster: ReportCluster) -> String {
        guard let growth = cluster.growth else { return cluster.previousSize == nil ? "new" : "" }
        let percent = Int((growth * 100).rounded())
        if percent > 0 { return "+\(percent)%" }
        if percent < 0 { return "\u{2212}\(-percent)%" }
        return "\u{00B1}0%"
    }

    /// True for an "Other" bucket's stable id ("other", or "other/" + a parent's).
    static func isOther(_ stableID: String) -> Bool {
        stableID == "other" || stableID.hasPrefix("other/")
    }
}
