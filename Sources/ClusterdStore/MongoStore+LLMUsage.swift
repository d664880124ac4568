import ClusterdCore
import Foundation

extension MongoStore {
    /// Tokens recorded for one UTC day (days since 1970-01-01), summed over every clusterd sharing the database.
    public func llmTokensUsed(day: Int) throws -> Int {
        try withCollection(configuration.llmUsageCollection) { usage in
            try usage.findOne(["_id": .string(Self.dayKey(day))])?["tokens"]?.intValue ?? 0
        }
    }

    /// Adds `tokens` to one UTC day's count (an upsert with `$inc`, so replicas add up).
    public func addLLMTokens(day: Int, tokens: Int) throws {
        guard tokens > 0 else { return }
        _ = try withCollection(configuration.llmUsageCollection) { usage in
            try usage.updateOne(
                ["_id": .string(Self.dayKey(day))],
                [
                    "$inc": .document(["tokens": .int64(Int64(tokens))]),
                    "$set": .document(["updated_at": .date(Date())]),
                ],
                upsert: true
            )
        }
    }

    /// "2025-01-10" for a day number.
    static func dayKey(_ day: Int) -> String {
        let date = Date(timeIntervalSince1970: Double(day) * 86_400)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}
