import ClusterdRPC
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd {
    @Suite("Latency")
    struct Latency {
        @Test("TriggerAnalysis round trip on loopback: 2,000 sequential calls on one connection (printed)")
        func triggerLatency() async throws {
            let configuration = try EmbeddedMongo.configuration()
            let store = try MongoStore(configuration: configuration)
            defer { store.close() }
            try await ServerProcess.with(store: configuration) { server in
                let corpus = Corpus(conversationsPerTopic: 67, messagesPerConversation: 10)
                try corpus.insert(into: store)
                let ids = Array(corpus.messageIDs.prefix(2_000))
                let client = try await server.connect()
                for id in ids.suffix(20) { _ = try await client.triggerAnalysis(messageID: id) }  // warm-up
                let clock = ContinuousClock()
                var samples: [Duration] = []
                samples.reserveCapacity(ids.count)
                var outcomes: [TriggerOutcome: Int] = [:]
                for id in ids {
                    let start = clock.now
                    let outcome = try await client.triggerAnalysis(messageID: id)
                    samples.append(clock.now - start)
                    outcomes[outcome, default: 0] += 1
                }
                await client.close()
                #expect(samples.count == ids.count)
                #expect(outcomes.keys.allSatisfy { $0 == .queued || $0 == .alreadyQueued })
                let micros = samples.map {
                    Double($0.components.attoseconds) / 1e12 + Double($0.components.seconds) * 1e6
                }
                .sorted()
                func percentile(_ p: Double) -> Int {
                    Int(micros[min(micros.count - 1, Int(Double(micros.count) * p))])
                }
                let mean = Int(micros.reduce(0, +) / Double(micros.count))
                print(
                    "TriggerAnalysis latency over \(micros.count) calls: p50 \(percentile(0.5)) µs, "
                        + "p99 \(percentile(0.99)) µs, max \(Int(micros.last ?? 0)) µs, mean \(mean) µs; outcomes \(outcomes)"
                )
            }
        }
    }
}
