import Foundation

/// Median and spread of one measurement over the rounds.
struct RoundStatistics {
    /// One value per round.
    let values: [Double]

    /// The median (mean of the middle two for an even count); nan when empty.
    var median: Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// "312.4 (298.0–320.1)": the median, then the lowest and highest round.
    func formatted(_ format: String = "%.1f") -> String {
        guard let low = values.min(), let high = values.max() else { return "-" }
        let median = String(format: format, median)
        guard values.count > 1 else { return median }
        return "\(median) (\(String(format: format, low))–\(String(format: format, high)))"
    }
}
