import Foundation

/// The median of a few rounds' values and their range.
struct Spread {
    /// The median (the mean of the middle two for an even count).
    let median: Double
    /// The smallest value.
    let minimum: Double
    /// The largest value.
    let maximum: Double

    /// The spread of `values` (not empty).
    init(_ values: [Double]) {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        minimum = sorted.first ?? 0
        maximum = sorted.last ?? 0
    }

    /// "1234" for one round, "1234 (1100–1300, ±7%)" for more: the median, the range and half of it relative to
    /// the median.
    func text(_ format: String, rounds: Int) -> String {
        let value = String(format: format, median)
        guard rounds > 1 else { return value }
        let halfRange = median != 0 ? (maximum - minimum) / 2 / abs(median) * 100 : 0
        return value
            + String(
                format: " (%@–%@, ±%.0f%%)",
                String(format: format, minimum) as NSString,
                String(format: format, maximum) as NSString,
                halfRange
            )
    }
}
