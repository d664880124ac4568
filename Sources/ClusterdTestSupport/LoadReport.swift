import ClusterdCore
import ClusterdStore
import Foundation

/// The load runs' shared parts: the messages they trigger and the table they print.
public enum LoadReport {
    /// The table header matching `row`.
    public static let header =
        "load                                    req/s  p50 µs  p90 µs  p99 µs p99.9 µs   max µs  client server RSS MiB  errors"

    /// One table row: throughput, latency percentiles, client/server CPU and server RSS (when measured), errors.
    public static func row(_ label: String, _ result: LoadGenerator.Result, usage: ProcessUsage.Delta?) -> String {
        let errors = result.errors.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ",")
        let cpu =
            usage.map {
                String(format: "%5.0f%% %5.0f%% %6.1f", $0.clientCPU * 100, $0.serverCPU * 100, $0.serverRSSMiB)
            }
            ?? "     -      -      -"
        return label.padding(toLength: 36, withPad: " ", startingAt: 0)
            + String(
                format: "%9.0f %7.0f %7.0f %7.0f %8.0f %8.0f  %@  %@",
                result.throughput,
                result.microseconds(50),
                result.microseconds(90),
                result.microseconds(99),
                result.microseconds(99.9),
                Double(result.latency.max) / 1000,
                cpu as NSString,
                (errors.isEmpty ? "-" : errors) as NSString
            )
    }

    /// Inserts `count` host messages over `count / 4` conversations (ids `load-N`, four topics); returns their ids.
    public static func insertMessages(_ count: Int, into store: MongoStore) throws -> [String] {
        let topics = ["refund my order", "weather forecast tomorrow", "reset my password", "book a table tonight"]
        let messages = (0..<count).map { index in
            MessageRecord(
                id: .string("load-\(index)"),
                conversationID: .string("conv-\(index / 4)"),
                role: "user",
                content: "\(topics[index % topics.count]) please, request \(index)"
            )
        }
        for chunk in stride(from: 0, to: messages.count, by: 1000) {
            try store.insertHostMessages(Array(messages[chunk..<min(chunk + 1000, messages.count)]))
        }
        return messages.map(\.id.description)
    }
}
